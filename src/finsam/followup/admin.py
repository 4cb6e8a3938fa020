"""Nothing of the follow-up is in the admin site: participant identities are read only through the
audited service, by the coordinators of the intervention, and never by national administrators."""
