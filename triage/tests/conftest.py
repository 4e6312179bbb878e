# The staff personas (analyst, senior, senior2, manager, outsider and their
# *_client twins) come from testsupport.fixtures, loaded suite-wide by the root conftest.
