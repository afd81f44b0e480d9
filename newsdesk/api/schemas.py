"""The shapes the API reads and writes; the OpenAPI document is made from them."""

from datetime import datetime
from typing import Literal, Optional

from ninja import Field, Schema

# Ids as the database keeps them: a larger number is no id, and is refused before any query.
Id = Field(..., ge=1, le=2**31 - 1)


class Error(Schema):
    error: str = Field(..., description="What went wrong, in words for people.")
    field: Optional[str] = Field(None, description="The parameter or field at fault, when one is.")


class TooMany(Error):
    retry_after: int = Field(..., description="Seconds to wait before calling again.")


class SectionOut(Schema):
    id: int
    name: str
    slug: str
    url: str


class TagOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    url: str


class PictureOut(Schema):
    id: int
    url: str = Field(..., description="The widest rendition.")
    width: int
    height: int
    alt: str
    caption: str
    credit: str


class StoryOut(Schema):
    id: int
    kind: Literal["article", "brief"]
    status: Literal["draft", "review", "scheduled", "published", "withdrawn"]
    slug: str
    url: str
    headline: str
    standfirst: str
    body: str = Field(..., description="Sanitised HTML: paragraphs, sub-headings, quotes, lists, links, emphasis.")
    authors: list[TagOut] = Field(default_factory=list, description="The site's own authors, in byline order.")
    byline: str
    source: str
    language: str
    urgency: Optional[int]
    section: Optional[SectionOut]
    people: list[TagOut]
    topics: list[TagOut]
    lead_picture: Optional[PictureOut]
    link: Optional[str] = Field(None, description="For a brief: the URL of the full article it leads to.")
    published_at: Optional[datetime]
    updated_at: Optional[datetime]
    revision: int = Field(..., description="Send it back as base_revision when you change the story.")


class StoryPage(Schema):
    items: list[StoryOut]
    next_cursor: Optional[str] = Field(None, description="Pass as `cursor` for the next page; null on the last.")


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: Optional[str]


class SectionPage(Schema):
    items: list[SectionOut]
    next_cursor: Optional[str]


Status = Literal["draft", "review", "published", "withdrawn"]
CommentsMode = Literal["", "open", "premoderated", "closed"]


class StoryFields(Schema):
    """What a newsroom token may write; the newsroom editor's rules apply to each field."""

    standfirst: Optional[str] = None
    body: Optional[str] = Field(None, description="HTML; anything beyond what the site keeps is removed on saving.")
    byline: Optional[str] = None
    source: Optional[str] = None
    section: Optional[str] = Field(None, description="The section's slug; empty for none.")
    people: Optional[list[str]] = Field(None, description="Names; a new name is a new person (editors only).")
    topics: Optional[list[str]] = Field(None, description="Names; a new name is a new topic (editors only).")
    language: Optional[str] = None
    embargo_until: Optional[datetime] = None
    comments_mode: Optional[CommentsMode] = None
    lead_picture: Optional[int] = Field(None, ge=1, le=2**31 - 1, description="A picture's id from the newsroom.")
    status: Optional[Status] = Field(
        None, description="review: send for review; published: publish (or schedule with publish_at; editors only); "
                          "withdrawn: withdraw, with withdrawn_reason (editors only).")
    publish_at: Optional[datetime] = Field(None, description="With status published: when to publish.")
    withdrawn_reason: Optional[str] = Field(None, description="With status withdrawn: shown to readers.")


class StoryCreate(StoryFields):
    kind: Literal["article", "brief"] = "article"
    headline: str


class StoryUpdate(StoryFields):
    base_revision: int = Field(..., ge=0, le=2**31 - 1,
                               description="The story's revision you started from: a newer one means an edit conflict (409).")
    kind: Optional[Literal["article", "brief"]] = None
    headline: Optional[str] = None
