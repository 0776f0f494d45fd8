"""The matcher's speed-ups keep its decisions: the fast paths give what the slow ones gave."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import sys
import unicodedata

import pytest
import yaml

from bot.answering import Answerer
from bot.config import BUNDLED_KNOWLEDGE, PROJECT_ROOT, MatchingSettings
from bot.dialogue.kind_hint import kind_named_in
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matching import Matcher, stemming
from bot.matching import analyzer as analyzer_module
from bot.matching import clauses as clauses_module
from bot.matching import matcher as matcher_module
from bot.matching import nearmiss as nearmiss_module
from bot.matching import normalize as normalize_module
from bot.matching import scorer as scorer_module
from bot.matching import smalltalk as smalltalk_module
from bot.matching.analyzer import Analyzer
from bot.matching.clauses import Clause, split_clauses
from bot.matching.foreign import ForeignLexicon
from bot.matching.index import FUGEN
from bot.matching.multi import split_questions
from bot.matching.normalize import fold, normalize, retokenize, tokenize, word_tokens
from bot.matching.params import ScoringParams
from bot.matching.question import WordClassGuess
from bot.matching.recent import Recent
from bot.matching.resolver import Unit
from bot.texts import load_texts

_SEEDS = ("0", "1", "2", "3", "4", "5")


def test_misspelt_stop_word_does_not_depend_on_the_hash_seed() -> None:
    """"gekommen" is one typo from "genommen" (same first letter) and from "bekommen" (not):
    it is an everyday word whatever order Python's hash seed gives the word lists."""
    code = (
        "from bot.matching.analyzer import is_misspelt_stop_word as f;"
        "print(f('gekommen'), f('xekommen'))"
    )
    seen = set()
    for seed in _SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        seen.add(out.stdout.strip())
    assert seen == {"True False"}


def _blind_questions() -> list[str]:
    found: list[str] = []
    for path in sorted((PROJECT_ROOT / "tests" / "data").glob("blind_*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")):
            found.extend(str(t["q"]) for t in item.get("turns", [item]))
    return found


def test_retokenize_reads_normalised_tokens_as_tokenize_would() -> None:
    """Tokens already normalised (a whole sentence's, or word by word as the place scan makes
    them) are read exactly as tokenize reads their text, module numbers and all."""
    tricky = [
        ["modul", "ii"], ["erste", "modul"], ["module", "2"], ["zweiten", "angebot"],
        ["aaa", "b"], ["Haus"], ["strasse", "fuer", "kueche"], ["über"], ["a_b"], [],
        ["moudl", "3"], ["dritte", "teil", "x"], ["kurs", "2022", "im", "juni"],
    ]
    cases = list(tricky)
    for question in _blind_questions():
        cases.append(tokenize(question))
        cases.append([t for word in question.split() for t in word_tokens(word)])
    assert len(cases) > 1000
    for tokens in cases:
        assert retokenize(tokens) == tokenize(" ".join(tokens)), tokens


def test_tokenize_word_by_word_reads_as_the_whole_text() -> None:
    """tokenize reads a text word by word (from the cache of word_tokens) exactly as the rules
    read the whole text: module numbers and ordinals written over two words, a run of letters
    next to one ("Modul III" is not "Modul I"), umlauts, gender marks, accents and joiners."""
    tricky = [
        "Modul III", "modulll 2", "mmmodul 2", "erstes  Modul", "ERSTE Angebot",
        "Zweit\u00a0Modul", "Modul-2 und modul 3", "was kostet modul drei", "moudl ii",
        "Kolleg*innen und Bürger:innen", "a\u00a8b", "x -y", "Straße ÄÖÜ", "naïve café",
        "e\u0301 test", "\u0308a", "Trave-Land", "Haaaallo!!", "", "  ", "dritter Teil",
        "Konzept erstellen", "Moderation III", "vorerst zwei Module", "mod 3", "Modul-III",
        "erst Modul", "ersteres Angebot", "Modulll 2", "mmmodul iii", "Erste-Hilfe-Teil 2",
        "zweitens Bausteine", "Modul IIII", "dritte  Teile", "Modulen 3", "Kommode 2",
    ]
    cases = tricky + _blind_questions()
    assert len(cases) > 1000
    for text in cases:
        assert tokenize(text) == normalize(text).split(), text


def test_tokenize_reads_the_whole_text_again_only_for_a_module_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Words that merely hold a module rule's letters ("erstellen", "Moderation") are read word
    by word; only a module number or ordinal over two words reads the whole text again."""
    whole: list[str] = []
    monkeypatch.setattr(normalize_module, "normalize", lambda text: whole.append(text) or text)
    tokenize("Wir möchten mit Moderation ein Konzept erstellen")
    assert whole == []
    tokenize("Was bietet Modul III?")
    assert whole == ["Was bietet Modul III?"]


def test_fold_drops_the_marks_a_full_pass_over_the_text_drops() -> None:
    """fold filters combining marks only in the text's non-ASCII runs: it gives exactly what a
    pass over every character gives (accents, dashes, quotes, emoji, marks without a base)."""

    def plain_fold(text: str) -> str:
        text = unicodedata.normalize("NFC", text).casefold().translate(normalize_module._UMLAUTS)
        if text.isascii():
            return text
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    tricky = [
        "naïve café – „Zitat“", "e\u0301\u0302x", "\u0308", "Ångström ﬁ ½", "👍🏻 ok…",
        "Straße ÆØ œ", "Ḱ\u0323 ǅ", "Łódź", "Ελληνικά", "", "plain ascii",
    ]
    texts = tricky + _blind_questions()
    assert len(texts) > 1000
    for text in texts:
        assert fold(text) == plain_fold(text), text


def test_split_clauses_hands_out_the_same_clauses_each_time() -> None:
    """A message split again (its last splits are kept) gives the clauses a fresh split gives,
    and a caller that changes its list (the reading appends a clause) changes no later split."""
    fresh_split = clauses_module._split.__wrapped__
    texts = _blind_questions()
    assert len(texts) > 1000
    for text in texts:
        first = split_clauses(text)
        assert first == list(fresh_split(text)), text
        first.append(Clause("ausserhalb", "?"))
        assert split_clauses(text) == list(fresh_split(text)), text


def test_recent_keeps_only_the_last_readings() -> None:
    """The memory of recent sentence readings is bounded: the oldest reading goes first, and
    putting a known key again evicts nothing."""
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("b", 3)
    assert (recent.get("a"), recent.get("b")) == (1, 3)
    recent.put("c", 4)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (None, 3, 4)


def test_a_message_read_part_by_part_reads_the_same_as_fresh() -> None:
    """Sentences read before (a part of a message, then the whole) give the same match as a
    matcher that reads them for the first time."""
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    warm = Matcher(kb, MatchingSettings())
    message = (
        "Wir sind die Gemeinde Büsum. Was kostet die Beratung? Und wie lange dauert sie?"
    )
    for part in ("Wir sind die Gemeinde Büsum. Was kostet die Beratung?", "Und wie lange?"):
        warm.match(part)
    fresh = Matcher(kb, MatchingSettings()).match(message)
    again = warm.match(message)
    assert again.explain() == fresh.explain()



def test_a_reading_with_context_is_cut_short_only_when_it_is_a_fallback() -> None:
    """match_unless_fallback gives None only where the full match with that context is a
    fallback, and otherwise the very same match (the bound on the scores never cuts more)."""
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    matcher = Matcher(kb, MatchingSettings())
    contexts = sorted({matcher.entry_context(e) for e in kb.entries})
    cut = kept = 0
    for n, question in enumerate(_blind_questions()[:400]):
        context = contexts[n % len(contexts)]
        full = matcher.match(question, context)
        quick = matcher.match_unless_fallback(question, context)
        if quick is None:
            assert full.band == "fallback", (question, context)
            cut += 1
        else:
            assert quick.explain() == full.explain()
            kept += 1
    assert cut > 50 and kept > 50  # both ways are tried

def _stem_trying_every_ending(token: str) -> str:
    """The stemmer as it was before endings were indexed by their last letter (the oracle)."""
    if not token.isalpha() or len(token) <= 3:
        return token
    for ending, keep in stemming._FEMININE:
        if token.endswith(ending) and len(token) - len(ending) >= keep:
            token = token[: -(len("innen") if ending == "innen" else 2)]
            break
    for suffix, replacement, min_stem in stemming._SUFFIXES:
        if token.endswith(suffix):
            base = token[: len(token) - len(suffix)]
            if len(base) < min_stem:
                continue
            if suffix == "s" and base.endswith(("s", "u", "i")):
                continue
            if suffix == "et" and base.endswith("i"):
                continue
            return base + replacement
    return token


def test_stem_tries_only_the_endings_a_word_can_have() -> None:
    """Endings looked up by the word's last letter stem every word as trying all endings did."""
    words = {t for q in _blind_questions() for t in tokenize(q)}
    words |= {"kolleginnen", "koordinatorin", "traegers", "gebiete", "gebiet", "uebungen"}
    assert len(words) > 1000
    for word in sorted(words):
        assert stemming.stem(word) == _stem_trying_every_ending(word), word


def test_analyzer_keeps_word_terms_as_a_fresh_analyzer_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The analyzer keeps each word's term (or that it is dropped): a question read by a
    used analyzer gives the terms a fresh one gives, and the memory is bounded."""
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    foreign = ForeignLexicon(kb.foreign.words, kb.foreign.phrases, kb.foreign.heads)
    used = Analyzer(kb.synonyms, foreign)
    questions = _blind_questions()
    for question in questions:
        used.analyse(question)
    monkeypatch.setattr(analyzer_module, "_MAX_SINGLE", 0)
    fresh = Analyzer(kb.synonyms, foreign)  # keeps nothing: every word is read afresh
    for question in questions:
        assert used.analyse(question) == fresh.analyse(question), question
    assert not fresh._single
    monkeypatch.setattr(analyzer_module, "_MAX_SINGLE", 50)
    small = Analyzer(kb.synonyms, foreign)
    for question in questions[:200]:
        small.analyse(question)
    assert len(small._single) == 50


def test_place_scan_keeps_known_words_as_a_fresh_matcher_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The matcher keeps which words are its own (the place scan asks): a used matcher finds
    the places a fresh one finds, and the memory is bounded."""
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    monkeypatch.setattr(matcher_module, "_MAX_KNOWN_WORDS", 20)
    used = Matcher(kb, MatchingSettings())
    questions = _blind_questions()
    for question in questions:
        used._places.scan(question)
    assert len(used._known_words) == 20
    monkeypatch.setattr(matcher_module, "_MAX_KNOWN_WORDS", 0)
    fresh = Matcher(kb, MatchingSettings())  # keeps nothing: every word is read afresh
    for question in questions:
        assert used._places.scan(question) == fresh._places.scan(question), question
    assert not fresh._known_words


def _plain_credit(
    unit: Unit, terms: frozenset[str], whole: frozenset[str], keys: frozenset[str],
    idf: dict[str, float], params: ScoringParams,
) -> float:
    """A unit's credit against a set of terms as the scorer first computed it (the oracle)."""
    non_key, part_quality = params.non_key_factor, params.part_quality
    best = 0.0
    if unit.parts:
        got = 0.0
        for t in unit.parts:
            if t in terms:
                got += idf[t] * (1.0 if t in keys else non_key) * (
                    1.0 if t in whole else part_quality
                )
        if got:
            best = part_quality * got / sum(idf[t] for t in unit.parts)
    for term, quality in unit.options:
        if term in terms:
            credit = quality * (1.0 if term in keys else non_key) * (
                1.0 if term in whole else part_quality
            )
            best = max(best, credit)
    return best


def test_recall_and_precision_are_the_plain_sums_to_the_last_bit(matcher: Matcher) -> None:
    """The scorer's recall (one-term units read by a set lookup, compounds' summed rarity
    kept) and precision (no generator per compound) give exactly the plain pass over the
    units and terms, for every example against the bundled questions."""
    scorer, index = matcher._scorer, matcher._index
    params, idf = scorer._params, index.idf
    compared = 0
    for question in _blind_questions()[::6]:
        units = matcher.units(question)
        total = sum(u.weight for u in units)
        if total <= 0:
            continue
        hit: dict[str, float] = {}
        for unit in units:
            for term, q in (*unit.options, *((p, params.part_quality) for p in unit.parts)):
                hit[term] = max(hit.get(term, 0.0), q)
        matchable = scorer_module._matchable(units)
        for entry_id, examples in index.examples.items():
            keys = index.key_terms[entry_id]
            for example in examples:
                expanded, whole = example.expanded, example.terms
                got = 0.0
                for unit in units:
                    if not frozenset((*unit.terms(), *unit.parts)).isdisjoint(expanded):
                        got += unit.weight * _plain_credit(
                            unit, expanded, whole, keys, idf, params
                        )
                assert scorer._recall(matchable, total, example, keys) == got / total
                matched = 0.0
                for term, rarity, parts in example.rarities:
                    if term in hit:
                        matched += rarity * hit[term]
                    elif parts:
                        share = sum(hit.get(p, 0.0) for p in parts) / len(parts)
                        matched += rarity * share * params.part_quality
                assert scorer._precision(example, hit) == matched / example.weight
                compared += 1
    assert compared > 50_000


def _question_words() -> list[str]:
    """Every whitespace-free word of the blind questions, in order, without repeats."""
    return list(dict.fromkeys(w for q in _blind_questions() for w in q.split()))


def test_word_tokens_of_plain_words_are_the_normalised_words() -> None:
    """A word of plain letters and digits (maybe closed by a comma or stop) skips the
    normalising rules but the collapse of repeated letters, and gets exactly the tokens the
    rules give (umlauts, module numbers, ordinals, joiners, gender marks and runs of letters
    take the rules)."""
    tricky = [
        "Haaaallo", "Modul3", "moduliii", "Modul-III", "ersten", "Zweit", "x", "2022", "ÄÖÜ",
        "abc_def", "Kolleg*innen", "Trave-Land", "e\u0301", "²", "ǅ", "mmmodul", "Zzzz", "aaa1",
        "Hallooo!!!", "modul3,", "Modul:", "x:", ",", "a.b.", "15.6.", "Kolleg:innen", "erst.",
        "Zweite,", "Ämter;", "geht's?", "(Kiel)", "Tel.:", "Haus…", "dritt?!",
    ]
    words = tricky + _question_words()
    assert len(words) > 2000
    for word in words:
        word_tokens.cache_clear()
        assert word_tokens(word) == tuple(normalize(word).split()), word


def test_stems_are_beginnings_at_most_max_cut_letters_shorter() -> None:
    """The joining of two words into a known compound skips a stem whose word's beginning opens
    no known term; that holds because every stem is its token's beginning, at most MAX_CUT
    letters shorter (feminine endings, suffixes and their replacements alike)."""
    tokens = {t for w in _question_words() for t in word_tokens(w)}
    tokens |= {base + ending for base in ("koordinator", "kolleg", "berat", "einheit")
               for ending in ("innen", "inneren", "ungen", "heiten", "keiten", "erin", "ern",
                              "ers", "em", "en", "er", "es", "et", "e", "s", "")}
    for token in tokens:
        stemmed = stemming.stem(token)
        assert token.startswith(stemmed) and len(token) - len(stemmed) <= stemming.MAX_CUT


def test_cold_readings_of_new_words_match_the_plain_ones(kb: KnowledgeBase) -> None:
    """A new word is read as before the cold path was made cheaper: neighbouring words join
    into the same compounds (stems skipped only where no known term can begin), compounds split
    into the same parts (pieces kept), and typos find the same targets (only words of a near
    length searched)."""
    fresh = Matcher(kb, MatchingSettings())
    resolver, splitter = fresh._resolver, fresh._index.splitter
    plain = Matcher(kb, MatchingSettings())
    plain_resolver, plain_splitter = plain._resolver, plain._index.splitter
    plain_splitter._part = plain_splitter._read_part  # type: ignore[method-assign]
    plain_resolver._of_length = (  # type: ignore[method-assign]
        lambda length, edits: plain_resolver._alpha_vocab
    )
    index = plain._index

    def plain_joined(head: str, tail: str) -> str | None:
        if not (head.isalpha() and tail.isalpha()) or min(len(head), len(tail)) < 4:
            return None
        base = stemming.stem(head)
        for fuge in FUGEN:
            candidate = stemming.stem(base + fuge + tail)
            if candidate in index.idf:
                return candidate
        return None

    tokens = list(dict.fromkeys(t for w in _question_words() for t in word_tokens(w)))
    assert len(tokens) > 1500
    joined = 0
    for first, second in itertools.pairwise(tokens):
        expected = plain_joined(first, second)
        assert resolver.joined(first, second) == expected, (first, second)
        joined += expected is not None
    assert joined > 0
    for token in tokens:
        assert splitter.split(token) == plain_splitter.split(token), token
        assert resolver._fuzzy(token) == plain_resolver._fuzzy(token), token


def test_kept_and_shortened_readings_equal_the_plain_ones(kb: KnowledgeBase) -> None:
    """Whether a clause asks (kept per clause), small talk at a message's ends (a pattern's
    first or last token looked at first), a unit's terms (no generator for one term) and a
    message read again right after its match (the last reading kept) are what the plain
    computations give, on the bundled questions."""
    matcher = Matcher(kb, MatchingSettings())
    talk = matcher._smalltalk

    def plain_match_at(tokens: list[str], start: int) -> tuple[int, str, int] | None:
        for pattern, talk_id, priority in talk._by_first.get(tokens[start][:1], ()):
            end = start + len(pattern)
            if end <= len(tokens) and all(
                smalltalk_module._same(t, p)
                for t, p in zip(tokens[start:end], pattern, strict=True)
            ):
                return end, talk_id, priority
        return None

    def plain_match_ending_at(tokens: list[str], end: int) -> tuple[int, str, int] | None:
        for pattern, talk_id, priority in talk._by_last.get(tokens[end - 1][:1], ()):
            start = end - len(pattern)
            if start >= 0 and all(
                smalltalk_module._same(t, p)
                for t, p in zip(tokens[start:end], pattern, strict=True)
            ):
                return start, talk_id, priority
        return None

    plain_asks = Clause.asks.func  # type: ignore[attr-defined]
    questions = [*_blind_questions(), "Hallo!", "Vielen Dank, tschüss", "Moin, was kostet das?"]
    for question in questions:
        for clause in split_clauses(question):
            assert clause.asks == plain_asks(Clause(clause.text, clause.end)), clause
        tokens = tokenize(question)
        if tokens:
            assert talk._match_at(tokens, 0) == plain_match_at(tokens, 0), question
            assert talk._match_ending_at(tokens, len(tokens)) == plain_match_ending_at(
                tokens, len(tokens)
            ), question
        for unit in matcher.units(question):
            assert unit.terms() == (tuple(t for t, _ in unit.options) or unit.parts)
    fresh = Matcher(kb, MatchingSettings())
    for question in questions[::7]:
        matcher.match(question)
        assert matcher.unstated_detail(question, "m1") == fresh.unstated_detail(question, "m1")


def test_a_word_group_list_answers_the_same_asking_words_as_a_fresh_one(
    kb: KnowledgeBase,
) -> None:
    """A word-group list keeps its answer for the last asking words: asked again with them,
    and asked after other words, it answers what a fresh list answers, on the bundled
    questions."""
    details = kb.foreign.details
    kept = nearmiss_module.PhraseSet(details)
    for question in _blind_questions()[::3]:
        stems = tuple(stemming.stem(t) for t in tokenize(question))
        fresh = nearmiss_module.PhraseSet(details).find(stems)
        assert kept.find(stems) == fresh == kept.find(stems), question


def test_word_classes_and_later_years_read_as_the_plain_pass(kb: KnowledgeBase) -> None:
    """The spelling guess made in one pass over the words (one word looked up without a
    generator) and the year check made only on tokens opening with "20" give what the plain
    passes give, on the bundled questions."""
    matcher = Matcher(kb, MatchingSettings())
    details = matcher._details

    def plain_find(tokens: list[str]) -> str | None:
        stems = tuple(stemming.stem(t) for t in tokens)
        detail = details._details.find(stems)
        if detail is not None:
            return detail
        later = [
            t for t in tokens if nearmiss_module._YEAR.match(t) and int(t) > details._last_year
        ]
        if later and any(s in nearmiss_module._DATE_WORDS for s in stems):
            return later[0]
        thing = details._named_only.find(stems)
        aspect = details._detail_asks.find(stems) if thing is not None else None
        return f"{aspect}: {thing}" if aspect is not None else None

    questions = [*_blind_questions(), "Gibt es Termine 2027?", "Kurs 2019 oder 2099", "alles klein"]
    for question in questions:
        clauses = split_clauses(question)
        guess = WordClassGuess(clauses)
        inner = [w for c in clauses for w in c.text.split()[1:]]
        cased = any(w[:1].isupper() for w in inner)
        capitalised = {
            t for c in clauses for w in c.text.split() if w[:1].isupper() for t in word_tokens(w)
        }
        tokens = tokenize(question)
        for source in [(t,) for t in tokens] + list(itertools.pairwise(tokens)):
            plain = (
                WordClassGuess.UNKNOWN if not cased
                else WordClassGuess.NOUN
                if any(t in capitalised or not t.isalpha() for t in source)
                else WordClassGuess.OTHER
            )
            assert guess.word_class(source) == plain, (question, source)
        assert details.find(tokens) == plain_find(tokens), question


def test_examples_that_repeat_an_earlier_reading_change_no_ranking(kb: KnowledgeBase) -> None:
    """The scorer leaves out an example whose terms (in order) and weight repeat an earlier
    one's: it scores exactly the same, and the earlier wins a tie. Every ranking of the bundled
    questions, scores and best examples included, is the one made with all examples."""
    matcher = Matcher(kb, MatchingSettings())
    scorer = matcher._scorer
    kept = sum(map(len, scorer._examples.values()))
    assert kept < sum(map(len, matcher._index.examples.values()))  # some do repeat
    plain = Matcher(kb, MatchingSettings())._scorer
    plain._examples = dict(matcher._index.examples)
    for question in _blind_questions()[::2]:
        units = matcher.units(question)
        got, expected = scorer.rank(units), plain.rank(units)
        assert got is not None and expected is not None
        assert [(s.entry_id, s.score, s.describe()) for s in got] == [
            (s.entry_id, s.score, s.describe()) for s in expected
        ], question


def test_named_topics_read_without_weights_as_with_them(kb: KnowledgeBase) -> None:
    """What a text names is read from its units before the weighing when no two stand for the
    same terms: the topics are those of the weighed units, on every bundled question and part
    of one (texts whose units share terms take the weighed reading)."""
    matcher = Matcher(kb, MatchingSettings())
    reader, heads = matcher._reader, matcher._topic_heads
    texts = [p for q in _blind_questions() for p in {q, *split_questions(q)}]
    shortcut = 0
    for text in texts:
        plain = frozenset(
            heads[t]
            for u in reader.units_of_text(text)
            if u.known
            for t in (*u.terms(), *u.parts)
            if t in heads
        )
        assert matcher.named_topics(text) == plain, text
        shortcut += reader.unweighed_units_of_text(text) is not None
    assert shortcut > len(texts) // 2


def test_near_miss_questions_of_the_same_words_stem_them_once(kb: KnowledgeBase) -> None:
    """The detail finder keeps the stems of the last asking words (a match asks up to four
    questions of them): every answer is the one made from freshly stemmed words, whichever
    words came before."""
    matcher = Matcher(kb, MatchingSettings())
    details = matcher._details
    asks = (details.find, details.asks_date, details.asks_place, details.asks_elsewhere)
    fresh = Matcher(kb, MatchingSettings())._details
    fresh_asks = (fresh.find, fresh.asks_date, fresh.asks_place, fresh.asks_elsewhere)
    for question in _blind_questions():
        tokens = tokenize(question)
        for kept, plain in zip(asks, fresh_asks, strict=True):
            fresh._last_stems = ((), ())  # always stem afresh
            assert kept(tokens) == plain(tokens), question


def test_a_dot_closes_an_abbreviation_as_the_split_text_tells() -> None:
    """Whether a dot closes a number, a letter or an abbreviation is read backwards from the
    dot, exactly as splitting the whole text before it tells (spaces of every kind, "(",
    several dots), on every dot of the bundled questions."""

    def plain(before: str) -> bool:
        word = re.split(r"[\s(]", before.rstrip("."))[-1].casefold().replace(".", "")
        word = word.rsplit("-", 1)[-1]  # "Lübeck-St."
        return len(word) <= 1 or word.isdigit() or word in clauses_module._ABBREVIATIONS

    tricky = [
        "z.B. so", "am 15.6. um", "(ca. 3)", "Nr.\u00a05", "usw... und", "Tel.:", ".", "a\x1cb.",
        "Ende.", "x (evtl.) y", "…bzw. z", "2022. Dann",
    ]
    dots = 0
    for text in tricky + _blind_questions():
        for end, char in enumerate(text):
            if char == ".":
                assert clauses_module._closes_abbreviation(text, end) == plain(text[:end]), text
                dots += 1
    assert dots > 300


def test_kept_entry_buttons_are_the_ones_a_new_answerer_builds(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    """The answerer keeps each entry's buttons per request kind the question names: for every
    entry and bundled question they equal the buttons a new answerer builds (the kind of
    "Anfrage starten" included), whatever was asked before."""
    texts = load_texts()
    warm = Answerer(kb, matcher, texts, today=lambda: dt.date(2030, 1, 1))
    kinds = set()
    for question in [*_blind_questions()[::4], "Ich möchte einen Workshop anfragen"]:
        fresh = Answerer(kb, matcher, texts, today=lambda: dt.date(2030, 1, 1))
        for entry in kb.entries.values():
            assert warm._entry_buttons(entry, question) == fresh._entry_buttons(entry, question)
        kinds.add(kind_named_in(question))
    assert len(kinds) > 2  # questions naming different kinds (and none) were asked
