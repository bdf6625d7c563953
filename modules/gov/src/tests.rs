// unit tests: see app/app/tests/gov.rs for the in-process tests of the whole flow.
