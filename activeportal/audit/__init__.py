"""The audit trail: what it keeps of a person, where a request came from, who may change it."""
