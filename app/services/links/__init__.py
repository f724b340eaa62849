"""Links between the two directions of the registry: an outgoing letter answering an incoming
one."""
