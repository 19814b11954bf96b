"""Full-text search that works for Chinese.

PostgreSQL's text search splits words at spaces and punctuation, and Chinese has neither
between words, so "小区停车管理方案" would be one token and a search for "停车" would miss it.
There is no Chinese word segmenter (zhparser, pg_jieba) in Debian's PostgreSQL packages, and
a dictionary segmenter also misses words it does not know (place and organisation names). We
index overlapping character bigrams instead — the approach of Lucene's CJK analyser:
"小区停车" → 小区 区停 停车. A query is split the same way and every one of its bigrams must
match, so "停车" finds "小区停车管理方案" and "停车管理" finds it too. Latin words and numbers are
kept whole and lower-cased. The bigram text is stored in `search_text`; on PostgreSQL a GIN
index over to_tsvector('simple', search_text) answers queries; SQLite matches the same tokens
with LIKE, which is fine at its scale.
"""

import re

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[0-9a-z]+")


def tokens(text):
    found = []
    for run in RUN.findall((text or "").lower()):
        if re.match(rf"[{CJK}]", run):
            found.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            found.append(run)
    return found


def document(*texts):
    """The indexed form of some texts: their tokens, de-duplicated, space-separated."""
    seen = dict.fromkeys(token for text in texts for token in tokens(text))
    return " ".join(seen)
