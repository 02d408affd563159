"""Hand-written code shared by the async source and the generated sync code. No I/O here."""
