"""Language processing for the contacts service: caller-name capture and staff commands."""
