"""Who may do what: accounts, roles, bearer tokens and route policies."""
