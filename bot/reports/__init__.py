"""Reports of recruitment, missing children and emergencies: taking them, routing them, delivering them."""
