"""dq's custom Great Expectations expectations; importing this package registers them with GX.

validity: valid CN resident ID / credit code, valid phone number, valid e-mail (the normalizer's status);
content: placeholder-free, not a dummy mobile, clean name;
relations: consistent divisions, one name per key, one contact channel filled;
area_codes: a landline's area code against the city.
"""

from dq_project.expectations.custom import area_codes, content, relations, validity

__all__ = ["area_codes", "content", "relations", "validity"]
