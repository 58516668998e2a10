"""Reference data for the demo: Norfolk's seven districts (../shared/data/norfolk-2024-25.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from districts.models import District, Partner

# (name, ONS code, residents: ONS mid-2022 estimates, rounded to the nearest hundred)
NORFOLK_DISTRICTS = [
    ("Breckland", "E07000143", 142_000),
    ("Broadland", "E07000144", 131_900),
    ("Great Yarmouth", "E07000145", 99_800),
    ("King's Lynn and West Norfolk", "E07000146", 154_900),
    ("North Norfolk", "E07000147", 103_600),
    ("Norwich", "E07000148", 144_000),
    ("South Norfolk", "E07000149", 144_000),
]

DISTRICT_COUNCILS = {
    "Breckland": "Breckland Council",
    "Broadland": "Broadland District Council",
    "Great Yarmouth": "Great Yarmouth Borough Council",
    "King's Lynn and West Norfolk": "Borough Council of King's Lynn and West Norfolk",
    "North Norfolk": "North Norfolk District Council",
    "Norwich": "Norwich City Council",
    "South Norfolk": "South Norfolk Council",
}


def load_districts() -> dict[str, District]:
    """Create or update the seven districts and their councils as partners; by name."""
    districts = {}
    for name, ons_code, population in NORFOLK_DISTRICTS:
        district, _ = District.objects.update_or_create(
            ons_code=ons_code,
            defaults={"name": name, "slug": slugify(name), "population": population},
        )
        council, _ = Partner.objects.update_or_create(
            name=DISTRICT_COUNCILS[name], defaults={"type": Partner.Type.DISTRICT_COUNCIL}
        )
        council.districts.add(district)
        districts[name] = district
    county, _ = Partner.objects.update_or_create(
        name="Norfolk County Council", defaults={"type": Partner.Type.COUNTY_COUNCIL}
    )
    county.districts.set(districts.values())
    return districts


# Partners of each type the published page names (district and county councils above).
# Names are illustrative: (name, type, districts or None for every district).
DEMO_PARTNERS = [
    ("Public Health Norfolk", Partner.Type.PUBLIC_HEALTH, None),
    ("Norfolk and Waveney Integrated Care Board", Partner.Type.NHS, None),
    ("Norfolk Constabulary", Partner.Type.POLICE, None),
    ("Breckland Faith Communities Network", Partner.Type.FAITH, ["Breckland"]),
    ("Norwich Multi-Faith Partnership", Partner.Type.FAITH, ["Norwich"]),
    ("Breckland Community Action", Partner.Type.VCSE, ["Breckland"]),
    ("Norwich Community Connectors", Partner.Type.VCSE, ["Norwich", "Broadland"]),
    ("Coast and Broads Community Trust", Partner.Type.VCSE, ["Great Yarmouth", "North Norfolk"]),
    ("County Leisure Trust", Partner.Type.PROVIDER, None),
    ("Thetford Walking Group", Partner.Type.PROVIDER, ["Breckland"]),
    ("City Community Sports Hub", Partner.Type.PROVIDER, ["Norwich"]),
    ("West Norfolk Swim and Fitness", Partner.Type.PROVIDER, ["King's Lynn and West Norfolk"]),
    ("Mid Norfolk Schools Sport Partnership", Partner.Type.SCHOOL, ["Breckland", "South Norfolk"]),
]

# Each district's Framework for Action 2024-27: (title, evidence, [(action, owner, due, status)]).
FRAMEWORK_PRIORITIES = [
    (
        "Fewer inactive older adults",
        "Active Lives shows inactivity above the England average among people over 75; "
        "residents tell us worry about falling keeps them at home in winter.",
        [
            (
                "Map strength and balance classes across the district",
                "Locality officer",
                (2024, 9, 30),
                "done",
            ),
            (
                "Start two new falls-prevention classes with the leisure trust",
                "Activity provider",
                (2025, 6, 30),
                "on_track",
            ),
            (
                "Train community volunteers as walk leaders",
                "VCSE partner",
                (2026, 3, 31),
                "at_risk",
            ),
        ],
    ),
    (
        "Children and young people active every day",
        "Holiday activities reach fewer than half of children on free school meals; "
        "young people ask for sport that is not competitive.",
        [
            (
                "Open school sports halls at weekends",
                "Schools sport partnership",
                (2025, 3, 31),
                "on_track",
            ),
            (
                "Add informal sport to the holiday programme",
                "Locality officer",
                (2025, 8, 31),
                "not_started",
            ),
        ],
    ),
    (
        "Health referrals lead to local activity",
        "Active NoW referrals from this district often wait for a local activity to match; "
        "GPs ask for activities close to home.",
        [
            (
                "Add local activities to the referral directory",
                "Locality officer",
                (2025, 1, 31),
                "done",
            ),
            (
                "Agree a referral route with the primary care network",
                "NHS partner",
                (2025, 12, 31),
                "off_track",
            ),
        ],
    ),
]

# A season of the demo officer's work: (summary, kind, priority area, hours, people, £ secured).
WORK_LOG_TEMPLATES = [
    (
        "Quarterly partnership meeting with the council's health lead",
        "meeting",
        "relationships",
        "2",
        0,
        0,
    ),
    (
        "Visited the leisure trust to plan winter strength and balance classes",
        "partner_visit",
        "capacity",
        "1.5",
        0,
        0,
    ),
    (
        "Supported a VCSE group's Health and Wellbeing Partnership grant bid",
        "funding_bid",
        "funding",
        "3",
        0,
        4500,
    ),
    (
        "Framework for Action review with district council officers",
        "meeting",
        "frameworks",
        "2.5",
        0,
        0,
    ),
    ("Community activity fair in the town centre", "event", "relationships", "5", 180, 0),
    ("Delivered walk leader training for volunteers", "training", "capacity", "4", 12, 0),
    (
        "Opening School Facilities panel: scored applications",
        "funding_bid",
        "funding",
        "3",
        0,
        12000,
    ),
    (
        "Input to the district's health and wellbeing strategy consultation",
        "strategy",
        "frameworks",
        "2",
        0,
        0,
    ),
    (
        "Met faith leaders about chair-based exercise in community halls",
        "partner_visit",
        "relationships",
        "1.5",
        0,
        0,
    ),
    (
        "Holiday activities (HAF) provider visit and quality check",
        "partner_visit",
        "funding",
        "2",
        45,
        0,
    ),
    (
        "Workshop on the Framework for Action priorities with partners",
        "event",
        "frameworks",
        "3.5",
        28,
        0,
    ),
    (
        "Coached a sports club through its first grant application",
        "training",
        "capacity",
        "2",
        6,
        2500,
    ),
    (
        "Neighbourhood policing team meeting on youth diversionary sport",
        "meeting",
        "relationships",
        "1",
        0,
        0,
    ),
    (
        "Secured match funding for a community walking programme",
        "funding_bid",
        "funding",
        "2.5",
        0,
        8000,
    ),
    (
        "Updated the framework's action plan with partners' progress",
        "strategy",
        "frameworks",
        "1.5",
        0,
        0,
    ),
    ("Inclusive activity training for leisure staff", "training", "capacity", "3", 18, 0),
    (
        "Primary care network meeting about Active NoW referrals",
        "meeting",
        "relationships",
        "1.5",
        0,
        0,
    ),
    ("Small grants round: visited three applicants", "partner_visit", "funding", "4", 0, 6000),
    ("Community consultation on play and park spaces", "event", "frameworks", "4", 60, 0),
    (
        "Mentored a new physical activity provider on safeguarding",
        "partner_visit",
        "capacity",
        "1",
        3,
        0,
    ),
]

CASE_STUDIES = [
    (
        "Breckland",
        "Active NoW",
        "Back to the bowls green after a fall",
        "Retired resident, 70s",
        "Referred by the practice nurse after a fall, they joined a strength and balance class "
        "at the leisure centre. Twelve weeks on they walk to the shops again and have rejoined "
        "their bowls club.",
        True,
    ),
    (
        "Norwich",
        "Opening School Facilities",
        "A school sports hall that stays open at weekends",
        "Secondary school and a youth group",
        "With Opening School Facilities funding the school opened its sports hall on Saturdays. "
        "A youth group now runs informal basketball and dance for around forty young people.",
        True,
    ),
]

TESTIMONIALS = [
    (
        "Breckland",
        "Active NoW",
        "Walking group member, 60s",
        "I hadn't left the house much since my operation. Now Tuesday's walk is the best part of my week.",
        True,
    ),
    (
        "Norwich",
        "Big Norfolk Holiday Fun (HAF)",
        "Parent of two",
        "The holiday club meant my two were outside and fed every day of the summer.",
        True,
    ),
    (
        "Norwich",
        "Active NoW",
        "Chair-based exercise participant",
        "My balance is better and I've made friends.",
        False,
    ),
]

DEMO_OFFICER_EMAIL = "officer@example.org"


def load_district_work(districts: dict[str, District]) -> None:
    """Partners, a Framework for Action per district, a season of the demo officer's work,
    and case studies and testimonials. Idempotent: rows are found by their natural keys."""
    from activeportal.accounts.models import User
    from districts.models import (
        ActionItem,
        CaseStudy,
        FrameworkForAction,
        Priority,
        Testimonial,
        WorkLogEntry,
    )

    partners = {}
    for name, type_, names in DEMO_PARTNERS:
        partner, _ = Partner.objects.update_or_create(name=name, defaults={"type": type_})
        partner.districts.set(
            districts.values() if names is None else [districts[n] for n in names]
        )
        partners[name] = partner

    for district in districts.values():
        framework, _ = FrameworkForAction.objects.update_or_create(
            district=district,
            start_year=2024,
            defaults={
                "end_year": 2027,
                "vision": f"More people in {district} moving more, wherever they live.",
            },
        )
        for position, (title, evidence, actions) in enumerate(FRAMEWORK_PRIORITIES, start=1):
            priority, _ = Priority.objects.update_or_create(
                framework=framework,
                title=title,
                defaults={"position": position, "evidence": evidence},
            )
            for description, owner, due, status in actions:
                ActionItem.objects.update_or_create(
                    priority=priority,
                    description=description,
                    defaults={"owner": owner, "due_date": date(*due), "status": status},
                )

    officer = User.objects.filter(email=DEMO_OFFICER_EMAIL).first()
    if officer is None:
        return
    mine = list(District.objects.filter(assignments__officer=officer).order_by("name"))
    today = timezone.localdate()
    for i in range(len(WORK_LOG_TEMPLATES) * len(mine)):
        district = mine[i % len(mine)]
        summary, kind, area, hours, people, funding = WORK_LOG_TEMPLATES[i // len(mine)]
        local = list(Partner.objects.filter(districts=district).order_by("name"))
        entry, _ = WorkLogEntry.objects.update_or_create(
            officer=officer,
            district=district,
            summary=summary,
            # A season: one entry every four days going back from yesterday.
            defaults={
                "date": today - timedelta(days=1 + 4 * i),
                "kind": kind,
                "priority_area": area,
                "hours": Decimal(hours),
                "people_reached": people,
                "funding_secured": Decimal(funding),
            },
        )
        entry.partners.set([local[i % len(local)], local[(i + 3) % len(local)]])

    for district, programme, title, who, text, published in CASE_STUDIES:
        CaseStudy.objects.update_or_create(
            district=districts[district],
            title=title,
            defaults={
                "programme": programme,
                "who": who,
                "text": text,
                "consent_to_publish": True,
                "published": published,
                "created_by": officer,
            },
        )
    for district, programme, who, text, published in TESTIMONIALS:
        Testimonial.objects.update_or_create(
            district=districts[district],
            text=text,
            defaults={
                "programme": programme,
                "who": who,
                "consent_to_publish": published,
                "published": published,
                "created_by": officer,
            },
        )
