"""Original demo stories, written for Newsdesk (about an invented coastal town),
so that a new install shows a full front page. Times are minutes before the
demo's "now" (see load_demo)."""

ARTICLES = [
    {
        "key": "ferry",
        "minutes_ago": 35,
        "section": "Local",
        "headline": "“We kept the town moving all winter,” says the ferry crew as the harbour route reopens",
        "standfirst": "The Saltmarsh ferry is back on its twenty-minute crossing after four months of repairs, "
        "two weeks ahead of schedule.",
        "byline": "Maren Holt",
        "people": ["Ida Brenner"],
        "topics": ["Transport"],
        "body": """<p>The harbour ferry between Saltmarsh and the island of Kettle Rock carried its first
passengers of the year on Tuesday morning, ending a winter in which islanders relied on a single
water taxi and a weekly supply boat.</p>
<p>The vessel spent four months in the dry dock at Northpoint, where engineers replaced both engines
and the ramp that failed during the autumn storms.</p>
<blockquote><p>“We kept the town moving all winter with what we had. Today we finally have a proper
boat again,” said captain Ida Brenner, who has worked the crossing for eighteen years.</p></blockquote>
<h2>A timetable built around the school run</h2>
<p>The new timetable adds an early crossing at 06:40 so that island pupils reach the secondary school
before the first bell. The council says it will review passenger numbers in June.</p>
<p>Fares stay at their 2025 level until the end of the summer season, the operator confirmed.</p>""",
    },
    {
        "key": "library",
        "minutes_ago": 140,
        "section": "Culture",
        "headline": "The old customs house becomes a library, and the town queues round the block",
        "standfirst": "Three years and one fundraising marathon later, Saltmarsh has a public library again.",
        "byline": "Jonas Ekdahl",
        "people": ["Priya Raman"],
        "topics": ["Libraries", "Architecture"],
        "body": """<p>More than a thousand people passed through the doors of the new Saltmarsh library on its
opening day, many of them children clutching their first library card.</p>
<p>The building, a customs house from 1887, stood empty for a decade before volunteers started
raising money for its conversion. The reading room keeps the original vaulted ceiling.</p>
<p>“A library is the only place in town where you are welcome without buying anything,” said
head librarian Priya Raman. “That matters more than ever.”</p>
<p>The library opens six days a week and lends tools and sewing machines as well as books.</p>""",
    },
    {
        "key": "budget",
        "minutes_ago": 60 * 26,
        "section": "Politics",
        "headline": "Council agrees a budget with more money for roads and less for the marina",
        "standfirst": "The vote passed by eleven to six after a four-hour debate.",
        "byline": "Maren Holt",
        "people": ["Tomas Lindqvist"],
        "topics": ["Council", "Transport"],
        "body": """<p>Saltmarsh town council approved next year's budget late on Monday, moving money from the
planned marina extension to repairs on the coast road.</p>
<p>Council leader Tomas Lindqvist said the coast road was “the artery of the whole peninsula” and
could not wait another year.</p>
<p>Opposition councillors argued the marina would bring visitors and jobs, and asked for the
project to return to the agenda in the spring.</p>""",
    },
    {
        "key": "storm",
        "minutes_ago": 60 * 50,
        "section": "Weather",
        "headline": "Storm warning lifted as winds ease along the coast",
        "standfirst": "",
        "byline": "Newsdesk weather team",
        "source": "Coastal Weather Service",
        "people": [],
        "topics": ["Weather"],
        "body": """<p>The weather service lifted its amber warning for the coast on Sunday evening as the storm
moved north. Gusts reached 110 km/h at the lighthouse overnight.</p>
<p>Two roads closed by fallen trees have reopened. Residents are asked to report damaged power lines
to the grid operator rather than approach them.</p>""",
    },
]

BRIEFS = [
    {"key": "b1", "minutes_ago": 6, "label": "Ida Brenner",
     "text": "The first ferry of the day left Saltmarsh on time with 84 passengers aboard."},
    {"key": "b2", "minutes_ago": 22, "label": "Weather",
     "text": "Fog is expected over the harbour until mid-morning. Crossings may run a few minutes late."},
    {"key": "b3", "minutes_ago": 51, "label": "Tomas Lindqvist",
     "text": "Council leader Tomas Lindqvist will answer readers' questions about the budget on Thursday."},
    {"key": "b4", "minutes_ago": 95, "label": "",
     "text": "The fish market on the north quay reopens on Saturday after its refit."},
    {"key": "b5", "minutes_ago": 170, "label": "Libraries",
     "text": "The new library has issued 1,200 cards since it opened. Tool lending starts next week."},
    {"key": "b6", "minutes_ago": 60 * 20, "label": "",
     "text": "Saltmarsh United won their home match 2–1 in front of a record crowd."},
    {"key": "b7", "minutes_ago": 60 * 30, "label": "Transport",
     "text": "Roadworks close the coast road between the school and the lighthouse for two nights."},
]
