"""How each copy goes out (МЭДО, e-mail, post) and the record of it."""
