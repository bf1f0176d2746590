"""The FHIR R4 read API under /fhir/ (issue 15): Patient, CarePlan, Goal, CareTeam, Consent, and a person's whole
record as a ``Patient/{id}/$everything`` Bundle. Everything is read through the access gate and logged as the API's
reads are (``koordinator.access``); ``exchange.fhir.everything`` is the bundle «Last ned alt om meg» uses too."""
