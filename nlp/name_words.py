"""General English word lists that tell a person's name from the words around it."""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a self-introduction cue is often followed by that are not names:
# "I'm locked out", "this is urgent", "it's about the delivery".
_NON_NAME_COMMON = _words("""
    a an the this that these those my your his her our their its me myself you him them
    about regarding re concerning calling ringing phoning texting writing messaging emailing
    looking trying wondering hoping going coming running waiting asking checking following
    interested locked stuck lost late early new here there back home out away outside inside
    downstairs upstairs next sorry good fine great okay ok alright well sure glad happy sad
    worried concerned confused annoyed upset angry frustrated disappointed afraid scared
    urgent important serious quick fast slow busy free available ready done finished sick ill
    hurt injured pregnant retired married single divorced unemployed disabled deaf blind
    regular usual old tired cold hot warm allergic vegan vegetarian diabetic
    customer client patient tenant owner homeowner landlord resident member neighbour
    neighbor guest visitor driver manager supervisor assistant secretary reception
    receptionist office team department desk service support sales billing accounts
    account admin administrator nurse doctor teacher student parent mother father mum mom
    dad son daughter wife husband partner friend brother sister boss staff someone nobody
    somebody anybody anyone everyone everybody nothing something anything everything
    message call text voicemail question query request complaint problem issue emergency
    reminder follow followup update quote order booking appointment reservation delivery
    payment invoice refund claim repair reference regards number room unit flat
    apartment suite building house floor gate just only also still really actually
    literally basically probably definitely totally almost even never always not no yes
    yeah yep nope hi hello hey please thanks thank cheers bye goodbye morning afternoon
    evening night today tonight tomorrow yesterday now soon later again already hold
    speaking speaker mad crazy weird strange stupid true false right wrong correct sure
    ridiculous unacceptable terrible awful amazing lovely nice kind awesome perfect
    fantastic excellent wonderful brilliant gonna wanna gotta kinda sorta what who
    wait because cause coz cuz tho thru lol omg pls plz ur u r y k okie kk hmm um uh er
    erm ah oh like so and but or if then than as at by for from in into of on onto to
    with without up down over under via per vs cannot cant can't dont don't wont won't
    isnt isn't didnt didn't doesnt doesn't havent haven't
    happening open closed shut missing broken leaking overdue due still also fully paid
    unpaid pending confirmed cancelled canceled scheduled booked moving leaving arriving
    staying outside inside nearby near far almost halfway
    spelled spelt spelling mate
    having getting making taking needing wanting operator representative agent human
    person help menu stop start unsubscribe greetings asap nevermind whatever
""")

NON_NAME_WORDS: frozenset[str] = frozenset(STOP_WORDS) | _NON_NAME_COMMON
# Checked even for a capitalised first word: "this is Urgent", "I'm Interested".
COMMON_NON_NAME: frozenset[str] = _NON_NAME_COMMON

# The subset that rules a token out even when it is capitalised mid-sentence:
# pronouns, determiners, prepositions and conjunctions are never names.
HARD_NON_NAME: frozenset[str] = _words("""
    a an the this that these those my your his her our their its me you him them us we they
    i i'm im it it's he she about regarding re concerning for to from at by of on in into
    with and or but if so as than then not no yes hi hello hey please thanks here there
    what who where when why how is are was were be been am do does did has have had
    just also only very really spelled spelt st ok okay fine good great sorry sure well alright new
""")

WEEKDAYS_MONTHS_HOLIDAYS: frozenset[str] = _words("""
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat weekend january february march july september
    october november december feb mar apr jul aug sep sept oct nov dec
    christmas xmas easter halloween thanksgiving eve hanukkah diwali ramadan eid
    passover boxing valentine valentine's
""")

# Nationalities and languages often said after "I'm" ("I'm Canadian", "I'm Spanish speaking").
DEMONYMS: frozenset[str] = _words("""
    american canadian mexican british english scottish welsh irish french german dutch
    spanish portuguese italian greek swiss austrian belgian swedish norwegian danish
    finnish polish russian ukrainian turkish arab arabic chinese japanese korean
    vietnamese thai filipino indian pakistani african nigerian kenyan australian
    brazilian argentinian colombian cuban jamaican european asian latino latina hispanic
    catholic christian muslim jewish hindu buddhist
""")

# Head nouns of organisation and place names ("Acme Plumbing", "Riverside Vet").
ORG_WORDS: frozenset[str] = _words("""
    inc inc. llc ltd ltd. co co. corp corporation company companies group holdings
    services service solutions systems plumbing electric electrical heating roofing
    construction builders contractors logistics financial finance insurance bank
    credit realty properties property management apartments apartment rentals
    lettings estates agency agents partners associates legal firm clinic hospital
    medical centre center health dental dentistry pharmacy chemist vet vets veterinary
    surgery practice school college university academy library church council office
    offices department team desk garage motors auto autos cars repairs store stores
    shop shops market supermarket bakery cafe café restaurant pizza pizzeria pub
    hotel salon spa studio studios gym fitness club cleaning cleaners laundry
    moving removals movers storage transport couriers delivery deliveries telecom
    communications marketing consulting software technologies tech labs
    solar utilities plaza mall room unit suite floor street road avenue drive station
    airport apartments brothers sons bros elementary primary secondary nursery daycare
    preschool kindergarten
""")

# Lower-case surname particles kept lower-case inside a name ("van der Berg").
PARTICLES: frozenset[str] = _words("""
    van von der den de del della di da das dos du la le ter ten bin binti al el
""")

HONORIFICS: frozenset[str] = _words("""
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir madam mx mx.
""")

FILLERS: frozenset[str] = _words("um uh er erm uhm hmm ah oh like yeah so well")

# Words after a name that end the name and still fit an introduction
# ("this is Emma calling back", "Jake here", "this is tony i'm locked out").
NAME_FOLLOWERS: frozenset[str] = _words("""
    calling ringing phoning texting writing messaging speaking here again from at with
    of and i i'm im i'd id i'll ill i've ive i was am but so just um uh er erm by
    returning following checking back too also hi hello hey please here's there
    regarding about re on thanks thank cheers
""")

# Spoken self-corrections: "Jon, sorry, John Miller", "Alan, I mean Allan".
CORRECTION_MARKERS: tuple[tuple[str, ...], ...] = (
    ("or", "rather"), ("i", "mean"), ("i", "meant"), ("sorry",), ("well",), ("no",),
    ("actually",), ("rather",), ("correction",), ("oops",), ("make", "that"),
    ("no", "wait"), ("wait",),
)

# Words that close a message just before the writer's name ("Regards, Tim").
SIGN_OFFS: frozenset[str] = _words("regards cheers best sincerely yours love xx xoxo")

GREETINGS: frozenset[str] = _words("""
    hi hello hey hiya yo morning afternoon evening good yes yeah yep ok okay oh um uh
    er erm so there howdy greetings dear sorry
""")
