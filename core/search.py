"""Full-text search that works for Chinese.

PostgreSQL's text search splits words at spaces and punctuation, and Chinese has neither
between words, so "小区停车管理方案" would be one token and a search for "停车" would miss it.
There is no Chinese word segmenter (zhparser, pg_jieba) in Debian's PostgreSQL packages, and
a dictionary segmenter also misses words it does not know (place and organisation names). We
index overlapping character bigrams instead — the approach of Lucene's CJK analyser:
"小区停车" → 小区 区停 停车. A query is split the same way and every one of its bigrams must
match, so "停车" finds "小区停车管理方案" and "停车管理" finds it too. Latin words and numbers are
kept whole and lower-cased. The bigram text is stored in `search_text`; on PostgreSQL a
trigger stores it as a tsvector too (`search_vector`, migration proposals 0002) and a GIN index
on that column answers queries, so neither the count nor an ordered, limited page recomputes
a vector; SQLite matches the same tokens in `search_text` with LIKE, which is fine at its scale.

Details that keep the two databases answering alike:

- Bigrams are matched as whole tokens, so their order matters: "车停" does not find "停车"
  (the text has the bigram 停车, never 车停).
- A one-character query ("停") matches every token that *starts* with that character
  (`'停':*` on PostgreSQL, `LIKE '% 停%'` on SQLite). So that every character of a text
  starts some token, the indexed form also keeps the last character of each Chinese run on
  its own: "暂停" is indexed as "暂停 停", and "停" finds it. (A one-character run, "车", was
  already a token.) Rows indexed before this rule was added lack those single characters
  until they are saved again.
- The stored vector is `to_tsvector('simple'::regconfig, COALESCE(search_text, ''))`, the
  expression the GIN index used to be built on, so both databases match the same tokens;
  `bench/staff_list.py` prints the EXPLAIN.
- The 'simple' configuration neither stems nor drops stop words, and the tokens are plain
  `[0-9a-z]` words or CJK characters, so the query text can be built as a raw tsquery without
  any escaping surprises. Reference numbers (NA-2026-0042) become na · 2026 · 0042 and are
  found whole or by their number.
"""

import re

from django.db import connections
from django.db.models import TextField, Value
from django.db.models.functions import Concat

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[0-9a-z]+")
IS_CJK = re.compile(rf"[{CJK}]")


def tokens(text):
    found = []
    for run in RUN.findall((text or "").lower()):
        if IS_CJK.match(run):
            found.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            found.append(run)
    return found


def _indexed_tokens(text):
    """`tokens`, plus the last character of each Chinese run (see the module docstring)."""

    for run in RUN.findall((text or "").lower()):
        yield from tokens(run)
        if IS_CJK.match(run) and len(run) > 1:
            yield run[-1]


def document(*texts):
    """The indexed form of some texts: their tokens, de-duplicated, space-separated."""
    seen = dict.fromkeys(token for text in texts for token in _indexed_tokens(text))
    return " ".join(seen)


def _is_prefix(token):
    """A single Chinese character is searched as the start of a token."""
    return len(token) == 1 and bool(IS_CJK.match(token))


def search(queryset, text, field="search_text"):
    """The rows of `queryset` whose indexed text (`field`: a Proposal's `search_text`, or a
    path to one such as "proposal__search_text"; on PostgreSQL the `search_vector` beside it
    is read) contains every token of `text`. A query without any token (only spaces or
    punctuation) leaves the queryset as it is. The order is the queryset's own: every match
    contains every word, so there is no relevance to rank by."""
    query_tokens = list(dict.fromkeys(tokens(text)))
    if not query_tokens:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        terms = " & ".join(f"'{token}':*" if _is_prefix(token) else f"'{token}'" for token in query_tokens)
        vector = field.removesuffix("search_text") + "search_vector"
        return queryset.filter(**{vector: SearchQuery(terms, search_type="raw", config="simple")})
    queryset = queryset.alias(
        padded_search_text=Concat(Value(" "), field, Value(" "), output_field=TextField()))
    for token in query_tokens:
        pattern = f" {token}" if _is_prefix(token) else f" {token} "
        queryset = queryset.filter(padded_search_text__contains=pattern)
    return queryset
