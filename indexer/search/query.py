"""The query language: a user's words and operators parsed into a Whoosh query, within bounds.

Each word becomes the alternatives the analyzer gives it (lemmas, compound parts, synonyms);
syntax that can make a query expensive (field names, ranges, fuzzy terms, match-everything) is
left out, and wildcards, boosts, length and word count are bounded.
"""

import re
from typing import Any

from whoosh import query
from whoosh.analysis import Analyzer
from whoosh.qparser import AndGroup, OrGroup, QueryParser, plugins
from whoosh.qparser.common import QueryParserError
from whoosh.qparser.syntax import Whitespace, WordNode

from indexer.analysis.analyzers import terms_by_position
from indexer.analysis.languages import query_language
from indexer.analysis.lemmas import FORM_MARK
from indexer.common.messages import Message
from indexer.search.function_words import is_function_word
from indexer.store.schema import SWEDISH_FIELDS

MAX_QUERY_CHARS = 500
# More words than this make no better search, only a slower one.
MAX_QUERY_WORDS = 32
MIN_WILDCARD_PREFIX = 3
# A query has at most this many wildcards: each adds up to wildcards.MAX_WILDCARD_TERMS
# posting lists per field to read.
MAX_WILDCARDS = 4
MAX_BOOST = 100.0
FIELDS = ("title", "body")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


class QueryError(ValueError):
    """The query cannot be run; the message says why, in words for a user."""

    def __init__(self, template: str, **params: Any) -> None:
        self.message = Message(template, **params)
        super().__init__(self.message)


def _alternatives(analyzer: Analyzer, text: str) -> list[dict[str, float]]:
    """Return, per word position, the query terms that may stand there and their boosts."""
    return list(terms_by_position(analyzer, text, "query").values())


def _written_forms(analyzer: Analyzer, text: str) -> list[dict[str, float]]:
    """Return, per word position, only the terms that are the word as written: what a query
    that reads as Finnish looks for in the Swedish fields ("sote", not Swedish "sot")."""
    by_pos: dict[int, dict[str, float]] = {}
    for t in analyzer(text, mode="query", positions=True, boosts=True, chars=True):
        word = text[t.startchar : t.endchar].lower()
        terms = by_pos.setdefault(t.pos, {})
        if t.text in (word, FORM_MARK + word):
            terms[t.text] = max(terms.get(t.text, 0.0), t.boost)
    return [by_pos[pos] for pos in sorted(by_pos)]


def search_fields(schema: Any, *, swedish: bool = True) -> tuple[str, ...]:
    """Return the fields a query searches: title and body, and the Swedish title_sv and
    body_sv where the schema has them and `swedish` says the index holds Swedish text."""
    if not swedish:
        return FIELDS
    return FIELDS + tuple(name for name in SWEDISH_FIELDS.values() if name in schema)


def _position_query(fieldname: str, terms: dict[str, float]) -> query.Query:
    clauses = [query.Term(fieldname, text, boost=b) for text, b in terms.items()]
    return clauses[0] if len(clauses) == 1 else query.Or(clauses)


class _PhraseNode(plugins.PhrasePlugin.PhraseNode):
    def query(self, parser: "FinnishQueryParser") -> query.Query:
        fieldname = self.fieldname or parser.fieldname
        return plugins.attach(parser.phrase_query(fieldname, self.text, self.boost), self)


class _PhraseTagger(plugins.PhrasePlugin.PhraseTagger):
    def create(self, parser: Any, match: Any) -> _PhraseNode:
        return _PhraseNode(match.group("text"), match.start("text"))


class _PhrasePlugin(plugins.PhrasePlugin):
    """Quoted phrases whose words may each be any of their analyses (lemmas, parts)."""

    def taggers(self, parser: Any) -> list:
        return [(_PhraseTagger(self.expr), 0)]


class FinnishQueryParser(QueryParser):
    """Whoosh's parser over title and body, analysing each word into its alternatives.

    Whoosh would AND together several tokens from one word; here tokens at the same position
    are alternatives of that word (its lemmas, compound parts, synonyms) and are OR-ed.
    Syntax that can make a query expensive is left out or bounded.
    """

    def __init__(
        self,
        schema: Any,
        *,
        any_word: bool = False,
        function_words: bool = True,
        language: str = "fi",
        swedish: bool = True,
    ) -> None:
        super().__init__(None, schema, group=OrGroup if any_word else AndGroup)
        self.function_words = function_words
        # A query that reads as Swedish is analysed as Swedish in the Swedish fields; one that
        # reads as Finnish meets them only with its words as written.
        self.language = language
        self.add_plugin(plugins.MultifieldPlugin(search_fields(schema, swedish=swedish)))
        # Field names would turn "STM:n" into a search of a field called STM; ranges, fuzzy
        # terms and match-everything are off.
        self.remove_plugin_class(plugins.FieldsPlugin)
        self.remove_plugin_class(plugins.RangePlugin)
        self.remove_plugin_class(plugins.EveryPlugin)
        self.remove_plugin_class(plugins.PhrasePlugin)
        self.add_plugin(_PhrasePlugin())

    def tag(self, text: str, pos: int = 0, debug: bool = False) -> Any:
        """Whoosh's tagging, without trying every tagger at every character of a query whose
        only syntax is whitespace: that was a third of the time a query of plain words took
        to parse. The nodes are the ones Whoosh's loop makes (tests/test_search.py checks)."""
        if pos or debug or not _only_whitespace_syntax(text):
            return super().tag(text, pos, debug)
        whitespace = next(t for t in self.taggers() if getattr(t, "nodetype", None) is Whitespace)
        stack = []
        for match in _WORDS_AND_SPACES.finditer(text):
            if match.group(1):
                stack.append(whitespace.match(self, text, match.start()))
            else:
                word = WordNode(match.group())
                word.startchar, word.endchar = match.span()
                stack.append(word)
        return self.group(stack)

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: type,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> query.Query | None:
        if termclass in (query.Prefix, query.Wildcard):
            return _bounded_wildcard(fieldname, text, termclass, boost)
        positions = self._alternatives(fieldname, text)
        if not self.function_words:
            # The field's language's function words, and the query's: a Swedish query's "och"
            # is left out of the Finnish fields too.
            own = "sv" if fieldname in SWEDISH_FIELDS.values() else "fi"
            languages = {own, self.language}
            positions = [
                terms
                for terms in positions
                if not any(is_function_word(terms, language) for language in languages)
            ]
        if not positions or not all(positions):
            return None
        clauses = [_position_query(fieldname, terms) for terms in positions]
        q = clauses[0] if len(clauses) == 1 else query.And(clauses)
        if boost != 1.0:
            q = q.with_boost(boost)
        return q

    def phrase_query(self, fieldname: str, text: str, boost: float = 1.0) -> query.Query:
        """Return a query for words that must stand next to each other, in order."""
        positions = self._alternatives(fieldname, text)
        if not positions or not all(positions):
            return query.NullQuery
        clauses = [_position_query(fieldname, terms) for terms in positions]
        if len(clauses) == 1:
            return clauses[0]
        return query.Sequence(clauses, boost=boost)

    def _alternatives(self, fieldname: str, text: str) -> list[dict[str, float]]:
        analyzer = self.schema[fieldname].analyzer
        if self.language != "sv" and fieldname in SWEDISH_FIELDS.values():
            return _written_forms(analyzer, text)
        return _alternatives(analyzer, text)


# Characters that the parser's taggers (quotes, wildcards, groups, boosts, phrases) start at,
# and its operator words; a query with none of them is words and whitespace.
_SYNTAX_CHARS = frozenset("'*?\u055e\u061f\u1367()^\"")


_OPERATOR_WORDS = OPERATORS | {"REQUIRE"}


# The whitespace Whoosh's WhitespacePlugin tags, and the words between.
_WORDS_AND_SPACES = re.compile(r"(\s+)|\S+")


def _only_whitespace_syntax(text: str) -> bool:
    return _SYNTAX_CHARS.isdisjoint(text) and _OPERATOR_WORDS.isdisjoint(text.split())


def _bounded_wildcard(fieldname: str, text: str, termclass: type, boost: float) -> query.Query:
    text = text.lower()
    literal = len(text) - len(text.lstrip("*?")) == 0
    head = text.split("*")[0].split("?")[0]
    if not literal or len(head) < MIN_WILDCARD_PREFIX:
        raise QueryError(
            "A wildcard needs at least %(count)s letters before it, for example 'rahoitus*'.",
            count=MIN_WILDCARD_PREFIX,
        )
    return termclass(fieldname, text, boost=boost)


# Whoosh's parser fails on some operator sequences with errors of its own internals
# ("NOT NOT VATE" IndexError, "VATE ANDNOT ANDMAYBE sote" AssertionError, " } (^2)" KeyError):
# to a user they are all a query that could not be understood.
_PARSER_FAILURES = (
    QueryParserError,
    IndexError,
    AssertionError,
    KeyError,
    TypeError,
    AttributeError,
    ValueError,
    RecursionError,
)


# Question marks that Whoosh's parser reads as wildcards of one letter: "?", and the Armenian,
# Arabic and Ethiopic ones.
QUESTION_MARKS = "?\u055e\u061f\u1367"
# A run of them that ends a word or stands alone, before whitespace, closing punctuation or the
# end: people type questions ("Kuka omaksui roomalaisen kielen?"), not one-letter wildcards.
_QUESTION_END = re.compile(rf"[{QUESTION_MARKS}]+(?=[\s)\"'!.,;:]|$)")


def without_question_marks(text: str) -> str:
    """Return a query without the question marks that end its words or stand alone; one
    inside a word ("mal?i") is still a wildcard.

    >>> without_question_marks("Kuka omaksui roomalaisen kielen ?")
    'Kuka omaksui roomalaisen kielen '
    >>> without_question_marks('"sote?" mal?i??')
    '"sote" mal?i'
    """
    return _QUESTION_END.sub("", text)


def parse(schema: Any, text: str, *, any_word: bool = False, swedish: bool = True) -> query.Query:
    """Parse a user's query, or raise QueryError with a message for them.

    With `swedish` false (the index holds no Swedish text: store.schema.holds_swedish) the
    query searches only the Finnish fields and its language is not asked."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "The query is too long: at most %(count)s characters.", count=MAX_QUERY_CHARS
        )
    if not text.strip():
        raise QueryError("Type a word to search for.")
    text = without_question_marks(text)
    if not text.strip():
        raise QueryError("The query has no words that can be searched for.")
    if len(re.findall(r"\w+", text)) > MAX_QUERY_WORDS:
        raise QueryError("The query has too many words: at most %(count)s.", count=MAX_QUERY_WORDS)
    fields = search_fields(schema, swedish=swedish)
    language = query_language(text) if SWEDISH_FIELDS["body"] in fields else "fi"
    try:
        q = None
        if any_word:
            # Ranked on any of its words, a query leaves its function words out, unless
            # it has nothing else.
            q = FinnishQueryParser(
                schema, any_word=True, function_words=False, language=language, swedish=swedish
            ).parse(text)
            # Judged on the Finnish fields: the Swedish ones keep a Finnish query's words as
            # written, function words among them.
            if not _has_words(q) or not _has_words_in(q, FIELDS):
                q = None
        if q is None:
            q = FinnishQueryParser(
                schema, any_word=any_word, language=language, swedish=swedish
            ).parse(text)
    except QueryError:
        raise
    except _PARSER_FAILURES:
        raise QueryError(
            "The query could not be understood. Check its quotes, brackets and operators "
            "(AND, OR, NOT)."
        ) from None
    if not _has_words(q):
        raise QueryError("The query has no words that can be searched for.")
    leaves = list(q.leaves())
    # Each wildcard is a leaf per field.
    wildcards = sum(isinstance(leaf, query.Prefix | query.Wildcard) for leaf in leaves)
    if wildcards > MAX_WILDCARDS * len(fields):
        raise QueryError(
            "The query has too many wildcards: at most %(count)s.", count=MAX_WILDCARDS
        )
    return q.accept(_without_double_negation).accept(_clamp_boost)


def _has_words_in(q: query.Query, fieldnames: tuple[str, ...]) -> bool:
    """Tell whether the query looks for a word in one of the fields."""
    return any(isinstance(leaf, query.Term) and leaf.fieldname in fieldnames for leaf in q.leaves())


def _has_words(q: query.Query) -> bool:
    leaves = list(q.leaves())
    errors = [sub for sub in leaves if isinstance(sub, query.qcore._NullQuery)]
    return q is not query.NullQuery and not (errors and len(errors) == len(leaves))


def _clamp_boost(q: query.Query) -> query.Query:
    # "VATE^999...9" parses to an infinite boost, and an infinite score is not JSON.
    if q.boost > MAX_BOOST:
        q.boost = MAX_BOOST
    return q


def _without_double_negation(q: query.Query) -> query.Query:
    """Return "a ANDNOT NOT b" as "a AND b", and "NOT NOT a" as "a": Whoosh's matcher for a
    negation inside a negation reads past the end of a posting list ("VATE VATE ANDNOT NOT
    VATE" failed with an IndexError inside Whoosh)."""
    if isinstance(q, query.AndNot) and isinstance(q.b, query.Not):
        return query.And([q.a, q.b.query], boost=q.boost)
    if isinstance(q, query.Not) and isinstance(q.query, query.Not):
        return q.query.query
    return q
