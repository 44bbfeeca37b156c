"""Follow-up of returned children's families for two years (issue 6): cases, the check-in schedule, the check-in
conversation, alerts to the district NGO and the coordinators' view."""
