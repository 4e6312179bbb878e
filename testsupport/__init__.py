"""Everything tests share: see testsupport.services for the list of what lives here."""
