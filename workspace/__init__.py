"""The CSM's day and the leader's view: Today, the team, one timeline per account, logging a touch."""
