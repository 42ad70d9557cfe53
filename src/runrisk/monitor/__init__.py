"""A coach's season: a squad's weekly load and complaints, with the load signals of the literature and
the study's model beside them (runrisk monitor)."""
