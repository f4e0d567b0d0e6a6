"""Header names the common contact exports use, and the target each one maps to."""

from __future__ import annotations

import re
import unicodedata

# Markers resolved from a column's values (see mapping.suggest_mapping):
TITLE = "@title"  # salutations (Mr., Dr) -> skip, job titles -> job_title
WEBSITE = "@website"  # all Facebook/Instagram profile URLs -> that field, else website
PHONE_VALUE = "phone:other"  # Google's "Phone N - Value"; rows take each row's own label

_FIELDS: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "full name", "display name", "contact name", "fn", "formatted name",
                  "customer name", "client name", "nom complet", "nombre completo"),
    "first_name": ("first name", "firstname", "given name", "fname", "forename", "prenom",
                   "vorname", "nombre", "first"),
    "middle_name": ("middle name", "middlename", "middle", "additional name"),
    "last_name": ("last name", "lastname", "surname", "family name", "lname", "nom",
                  "nachname", "apellido", "apellidos", "last"),
    "email": ("email", "email address", "mail", "emails", "email 1", "email 2", "email 3",
              "email 2 address", "email 3 address", "primary email", "work email",
              "personal email", "home email", "other email", "courriel", "correo",
              "correo electronico", "email adresse"),
    "phone:mobile": ("mobile", "mobile phone", "mobile phone number", "mobile number",
                     "cell", "cell phone", "cellphone", "cell phone number", "cell number",
                     "handy", "handynummer", "mobil", "portable", "telephone portable",
                     "celular", "movil", "mobile no"),
    "phone:work": ("business phone", "business phone 2", "work phone", "office phone",
                   "phone work", "work number", "direct dial", "office"),
    "phone:home": ("home phone", "home phone 2", "phone home", "private phone",
                   "home number", "landline"),
    "phone:other": ("phone", "phone number", "phone no", "telephone", "telephone number",
                    "tel", "tel no", "phone 1", "phone 2", "phone 3", "primary phone",
                    "other phone", "car phone", "callback", "main phone", "contact number",
                    "telefon", "telefono", "numero", "number"),
    "company": ("company", "company name", "organization", "organisation",
                "organization name", "organisation name", "account name", "account",
                "employer", "business name", "firma", "entreprise", "empresa", "societe"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups",
             "group membership", "segments"),
    "facebook": ("facebook", "facebook url", "facebook profile", "facebook username",
                 "facebook handle"),
    "instagram": ("instagram", "instagram handle", "instagram username", "instagram url",
                  "instagram profile", "ig", "ig handle", "insta"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "memo"),
    TITLE: ("title",),
    WEBSITE: ("web page", "web page 2", "personal web page", "website", "web site", "url",
              "homepage", "home page", "business web page"),
    "new_property:job_title:text": ("job title", "organization title", "jobtitle",
                                    "position", "job", "occupation", "beruf"),
    "new_property:department:text": ("department", "organization department", "dept"),
    "new_property:birthday:date": ("birthday", "birth date", "birthdate", "date of birth",
                                   "dob", "geburtstag", "anniversaire"),
    "new_property:anniversary:date": ("anniversary",),
    "new_property:nickname:text": ("nickname", "nick name"),
    "new_property:lifecycle_stage:text": ("lifecycle stage",),
    "new_property:lead_status:text": ("lead status",),
    "new_property:lead_source:text": ("lead source", "source"),
    "new_property:interests:text": ("interests",),
    "new_property:twitter:text": ("twitter", "twitter username", "twitter handle"),
    "new_property:linkedin:text": ("linkedin", "linkedin url", "linkedin profile"),
    # Columns of the exporting system or of other people, never worth a property:
    "skip": (
        "salutation", "prefix", "name prefix", "suffix", "name suffix", "initials", "file as",
        "phonetic first name", "phonetic middle name", "phonetic last name", "given yomi",
        "surname yomi", "company yomi", "photo", "pager", "fax", "home fax", "business fax",
        "other fax", "isdn", "telex", "radio phone", "tty tdd phone", "assistant s phone",
        "company main phone", "email type", "email 2 type", "email 3 type",
        "email display name", "email 2 display name", "email 3 display name", "gender",
        "priority", "private", "sensitivity", "mileage", "billing information",
        "directory server", "internet free busy", "government id number",
        "organizational id number", "user 1", "user 2", "user 3", "user 4", "spouse",
        "children", "manager s name", "assistant s name", "referred by", "related name",
        "contact owner", "owner", "lead owner", "marketing contact status", "member rating",
        "latitude", "longitude", "gmtoff", "dstoff", "timezone", "time zone", "cc", "region",
        "role", "restriction", "web sessions", "signed up", "unsubscribed from emails",
        "country code", "imaddress", "im address", "schools", "hobby", "location",
        "office location", "language", "profession", "keywords",
    ),
}
KNOWN: dict[str, str] = {name: target for target, names in _FIELDS.items() for name in names}

# Headers a value check may overrule: a column of emails under "Contact" is email.
WEAK: dict[str, str] = {"contact": "full_name", "person": "full_name", "who": "full_name"}

# Google's numbered groups: "E-mail 1 - Value", "Address 1 - City", "Custom Field 2 - Label".
GOOGLE_GROUP = re.compile(r"^(?P<kind>[a-z ]+?) \d+ (?P<part>[a-z ]+)$")
_GOOGLE_PARTS = {
    ("email", "value"): "email",
    ("phone", "value"): PHONE_VALUE,
    ("website", "value"): WEBSITE,
    ("address", "formatted"): "new_property:address:text",
    ("address", "street"): "new_property:street:text",
    ("address", "city"): "new_property:city:text",
    ("address", "region"): "new_property:state:text",
    ("address", "postal code"): "new_property:postal_code:text",
    ("address", "country"): "new_property:country:text",
}
GOOGLE_KINDS = frozenset({"email", "phone", "website", "address", "relation", "event",
                          "custom field", "im", "external id", "calendar link"})

# Address parts with an optional group: "Business City", "Mailing Zip/Postal Code".
ADDRESS = re.compile(
    r"^(?:(?P<group>home|business|work|other|mailing|billing|shipping|postal) )?"
    r"(?P<part>street(?: \d)?|address(?: \d)?|street address|city|town|state(?: province| "
    r"region)?|province|county|postal code|zip(?: postal code| code)?|postcode|post code|"
    r"country(?: region)?)$"
)
_ADDRESS_PARTS = {"town": "city", "province": "state", "county": "state", "zip": "postal_code",
                  "postcode": "postal_code", "post code": "postal_code",
                  "street address": "street"}
_GROUP_PREFIX = {"home": "home_", "business": "business_", "work": "business_",
                 "other": "other_", "billing": "billing_", "shipping": "shipping_"}

# Columns holding ids, addresses or times of the exporting system.
SYSTEM_WORDS = frozenset({"id", "ids", "uuid", "guid", "ip", "leid", "euid", "created",
                          "create", "modified", "updated", "changed", "seen", "time",
                          "timestamp", "date", "optin", "confirm", "last", "visited"})


def normalize_header(header: str) -> str:
    """Lower case, accents and punctuation removed, 'e-mail' as 'email', single spaces."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"\be[\s_-]?mail", "email", text.casefold())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def google_target(kind: str, part: str) -> str:
    """The target of a Google group column (labels and unknown parts are skipped)."""
    return _GOOGLE_PARTS.get((kind, part), "skip")


def address_target(match: re.Match[str]) -> str:
    """new_property for an address part: 'Home City' -> home_city, 'Mailing Street' -> street."""
    part = match.group("part")
    number = part.rsplit(" ", 1)[1] if part[-1].isdigit() else ""
    base = part.rsplit(" ", 1)[0] if number else part
    concept = _ADDRESS_PARTS.get(base) or base.split(" ")[0]
    if base.startswith(("zip", "postal")):
        concept = "postal_code"
    prefix = _GROUP_PREFIX.get(match.group("group") or "", "")
    key = f"{prefix}{concept}" + (f"_{number}" if number else "")
    return f"new_property:{key}:text"
