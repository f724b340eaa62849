"""What arrived by МЭДО and e-mail, waiting for the clerk: fetched, then registered or refused."""
