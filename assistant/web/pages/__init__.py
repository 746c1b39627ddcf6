"""One module per tab; ``assistant.web.app`` assembles them."""
