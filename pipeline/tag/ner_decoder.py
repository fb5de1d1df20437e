"""spaCy's greedy NER decoding, batched over states with numpy: the same entities as
``EntityRecognizer.pipe``, several times sooner.

spaCy's wheels for Python 3.11 are compiled with Cython's profiling hooks, so each
call of the transition system's small C helpers takes and releases the GIL: deciding
a token's move checks every move's validity, and with the English model's 74 moves
that is about 40 microseconds a token, twice the neural network's own time. Here the
network runs as spaCy runs it (the model's own layers, the same batches, blis for the
output layer, the same order of float additions), and the BILUO moves, their validity
and the choice of the best valid move follow ``spacy/pipeline/_parser_internals/ner.pyx``
and ``ml/parser_model.pyx``. A model of another shape is left to spaCy's own ``pipe``.
``tests/test_ner_decoder.py`` holds both to the same entities.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

from . import lean_spacy  # noqa: F401  (first: spaCy imported without its command line)
import numpy as np
from blis.py import gemm
from spacy.attrs import ENT_IOB, ENT_TYPE, IS_SPACE, SENT_START
from spacy.tokens import Doc, Span

BEGIN, IN, LAST, UNIT, OUT = range(5)
_MOVE_TYPES = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT, "O": OUT}
IOB_MISSING, IOB_IN, IOB_OUT, IOB_BEGIN = 0, 1, 2, 3  # a token's preset ent_iob
N_FEATURES = 3  # the NER's state features: the buffer's first token, the open entity's first, the token before


def supported(recognizer: Any) -> bool:
    """Whether ``recognizer`` (spaCy's EntityRecognizer) has the shape decoded here:
    greedy, a maxout hidden layer over the three NER features, a float32 output layer, and
    moves that are all BILUO ones, some of them labelled."""
    model = recognizer.model
    try:
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        moves = [_move(recognizer, i) for i in range(recognizer.moves.n_moves)]
        return (recognizer.cfg.get("beam_width") == 1 and bool(model.attrs.get("has_upper"))
                and lower.get_dim("nF") == N_FEATURES and lower.get_dim("nP") >= 2
                and upper.get_dim("nO") == len(moves) and upper.get_param("W").dtype == np.float32
                and all(kind in _MOVE_TYPES for kind, _ in moves) and any(label for _, label in moves))
    except (KeyError, ValueError, AttributeError):
        return False


def recognize(recognizer: Any, docs: Sequence[Doc], batch_size: int, use_native: bool = True) -> None:
    """Set the entities of ``docs`` as ``recognizer.pipe(docs, batch_size=batch_size)``
    sets them (in its batches: sub-batches of a quarter, by length), by spaCy's own
    ``pipe`` for a model of another shape. The decoding steps run in C (``_ner.c``)
    where it is built, unless ``use_native`` is False."""
    decoder = _decoder(recognizer)
    if decoder is None:
        for _ in recognizer.pipe(docs, batch_size=batch_size):
            pass  # it sets the entities on the docs themselves
        return
    steps = native() if use_native else None
    for batch in _chunks(docs, batch_size):
        decoder.parse(list(_chunks(sorted(batch, key=len), max(batch_size // 4, 2))), steps)


@functools.lru_cache(maxsize=1)
def native() -> ModuleType | None:
    """The decoding steps in C, or None where the extension is not built (a source
    checkout without a compiler): they then run in numpy."""
    try:
        from . import _ner
    except ImportError:
        return None
    return _ner


def _chunks(docs: Sequence[Doc], size: int) -> Iterator[list[Doc]]:
    """spaCy's ``minibatch`` of a fixed size."""
    for start in range(0, len(docs), size):
        yield list(docs[start:start + size])


@functools.lru_cache(maxsize=8)
def _decoder(recognizer: Any) -> _Decoder | None:
    return _Decoder(recognizer) if supported(recognizer) else None


def _move(recognizer: Any, index: int) -> tuple[str, str]:
    name = recognizer.moves.get_class_name(index)
    kind, _, label = name.partition("-")
    return kind, label


class _Decoder:
    """One recognizer's moves and weights, as arrays."""

    def __init__(self, recognizer: Any) -> None:
        self.recognizer = recognizer
        self._read_model()

    def _read_model(self) -> None:
        """The recognizer's layers and its moves as arrays (again after a preset label
        widened it: spaCy then replaces its output layer)."""
        model = self.recognizer.model
        self.tok2vec, self.lower, self.upper = model.get_ref("tok2vec"), model.get_ref("lower"), model.get_ref("upper")
        strings = self.recognizer.vocab.strings
        moves = [_move(self.recognizer, i) for i in range(self.recognizer.moves.n_moves)]
        self.kinds = np.array([_MOVE_TYPES[kind] for kind, _ in moves])
        self.labels = np.array([strings[label] if label else 0 for _, label in moves], dtype=np.uint64)
        self.unseen = np.array(sorted(self.recognizer.model.attrs.get("unseen_classes", ())), dtype=np.intp)
        self.validity = _Validity(self.kinds, self.labels)

    def parse(self, subbatches: list[list[Doc]], steps: ModuleType | None = None) -> None:
        """Decode a batch: its sub-batches' networks run one by one as spaCy runs them
        (``Parser.predict``), their states step together, and each sub-batch's unseen
        moves score as that sub-batch's lowest score of the step. A sub-batch whose preset
        label widens the model is decoded after those before it, as in spaCy. ``steps``: the C
        decoding steps, or None for numpy's."""
        ready: list[list[Doc]] = []
        tables: list[np.ndarray] = []
        for sub in subbatches:
            if not any(len(doc) for doc in sub):
                continue
            self.recognizer._ensure_labels_are_added(sub)
            if self.recognizer.moves.n_moves != len(self.kinds):
                self._decode(ready, tables, steps)  # with the moves they were read with
                ready, tables = [], []
                self._read_model()
            ready.append(sub)
            tables.append(self.lower.predict(self.tok2vec.predict(sub)))  # (tokens + 1, features, hidden, pieces)
        self._decode(ready, tables, steps)

    def _decode(self, subbatches: list[list[Doc]], tables: list[np.ndarray], steps: ModuleType | None) -> None:
        """Step the sub-batches' states together over their networks' outputs."""
        if not subbatches:
            return
        cached = np.concatenate([tables[0]] + [t[1:] for t in tables[1:]])  # row 0 pads, the same in each
        docs = [doc for sub in subbatches for doc in sub]
        states = _States(docs, np.repeat(np.arange(len(subbatches)), [len(sub) for sub in subbatches]))
        entities = self._steps_in_c(steps, states, cached) if steps else self._steps(states, cached)
        for doc, ents in zip(docs, entities):
            _annotate(doc, ents)

    def _steps_in_c(self, steps: ModuleType, states: _States, cached: np.ndarray) -> list[list[tuple[int, int, int]]]:
        """The loop of :meth:`_steps`, each step two calls into C around blis's product."""
        weights = self.upper.get_param("W")
        decoding = steps.Decoding(
            np.ascontiguousarray(cached, dtype=np.float32), np.ascontiguousarray(self.lower.get_param("b"), dtype=np.float32),
            np.ascontiguousarray(self.upper.get_param("b"), dtype=np.float32),
            states.iob, np.ascontiguousarray(states.ent_type, dtype=np.uint64), states.sent_start,
            states.is_space.astype(np.uint8), states.offsets.astype(np.int64), states.lengths.astype(np.int64),
            states.group.astype(np.int64), self.kinds.astype(np.int64), self.labels, self.unseen.astype(np.int64))
        hiddens = np.empty((len(states.lengths), cached.shape[2]), dtype=np.float32)
        while n := decoding.hidden(hiddens):
            decoding.advance(gemm(hiddens[:n], weights, trans2=True))
        entities: list[list[tuple[int, int, int]]] = [[] for _ in states.lengths]
        for state, start, end, label in decoding.entities():
            entities[state].append((start, end, label))
        return entities

    def _steps(self, states: _States, cached: np.ndarray) -> list[list[tuple[int, int, int]]]:
        """Each state's entities: its best valid move taken, step by step, until it ends."""
        bias = self.lower.get_param("b")
        weights, scores_bias = self.upper.get_param("W"), self.upper.get_param("b")
        while states.active.size:
            ids = states.features() + 1  # -1 (none) reads the padding row
            unmaxed = cached[ids[:, 0], 0] + cached[ids[:, 1], 1]
            unmaxed += cached[ids[:, 2], 2]
            unmaxed += bias
            hiddens = np.ascontiguousarray(unmaxed.max(axis=-1))
            scores = gemm(hiddens, weights, trans2=True)
            scores += scores_bias
            if self.unseen.size:
                group = states.group[states.active]
                starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
                lowest = np.minimum.reduceat(scores.min(axis=1), starts)
                scores[:, self.unseen] = np.repeat(lowest, np.diff(np.r_[starts, len(group)]))[:, None]
            states.advance(self._best_valid(states, scores), self.kinds, self.labels)
        return states.entities

    def _best_valid(self, states: _States, scores: np.ndarray) -> np.ndarray:
        """Each state's first best-scoring valid move (-1: none is valid)."""
        valid = self.validity(states)
        scores = np.where(valid, scores, -np.inf)
        best: np.ndarray = scores.argmax(axis=1)
        best[~valid.any(axis=1)] = -1
        return best


class _States:
    """The decoding states of a batch's documents (``group``: each one's sub-batch): the
    next token, the open entity (start and label, or -1) and the entities closed;
    ``active`` lists the unfinished, in order."""

    def __init__(self, docs: list[Doc], group: np.ndarray) -> None:
        self.group = group
        lengths = np.array([len(doc) for doc in docs])
        self.offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        self.lengths = lengths
        arrays = [doc.to_array([ENT_IOB, ENT_TYPE, SENT_START, IS_SPACE]) for doc in docs if len(doc)]
        table = np.concatenate(arrays) if arrays else np.zeros((0, 4), dtype=np.uint64)
        empty = np.zeros((1, 4), dtype=table.dtype)  # the token past the end: no preset, no sentence start
        self.tokens = np.concatenate((table, empty))
        self.iob = self.tokens[:, 0].astype(np.int64)
        self.ent_type = self.tokens[:, 1]
        self.sent_start = self.tokens[:, 2].astype(np.int64)  # uint64 holds -1 as 2**64 - 1
        self.is_space = self.tokens[:, 3].astype(bool)
        self.past_end = len(self.tokens) - 1
        self.next = np.zeros(len(docs), dtype=np.int64)
        self.open_start = np.full(len(docs), -1, dtype=np.int64)
        self.open_label = np.zeros(len(docs), dtype=np.uint64)
        self.entities: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        self.active = np.flatnonzero(lengths > 0)

    def token(self, position: np.ndarray) -> np.ndarray:
        """Rows of ``tokens`` for positions in the active documents (past the end: the empty row)."""
        active = self.active
        inside = position < self.lengths[active]
        return np.where(inside, self.offsets[active] + position, self.past_end)

    def features(self) -> np.ndarray:
        """(active states x 3) token rows of the NER's state features, -1 for none:
        ``set_context_tokens`` of spaCy's StateC for three features."""
        a = self.active
        b0 = self.offsets[a] + self.next[a]
        is_open = self.open_start[a] >= 0
        e0 = np.where(is_open, self.offsets[a] + self.open_start[a], -1)
        before = np.where(is_open, b0 - 1, -1)
        return np.stack((b0, e0, before), axis=1)

    def advance(self, moves: np.ndarray, kinds: np.ndarray, labels: np.ndarray) -> None:
        """Apply each active state's move (index into ``kinds``/``labels``; -1: none was
        valid, the state is ended as spaCy's force_final ends it), as ner.pyx's transitions."""
        a = self.active
        chosen = moves >= 0
        kind = np.where(chosen, kinds[moves], -1)
        label = labels[moves]
        opening = a[kind == BEGIN]
        self.open_start[opening] = self.next[opening]
        self.open_label[opening] = label[kind == BEGIN]
        for k in np.flatnonzero((kind == LAST) | (kind == UNIT)):
            state = a[k]
            start = self.open_start[state] if kind[k] == LAST else self.next[state]
            ent_label = self.open_label[state] if kind[k] == LAST else label[k]
            self.entities[state].append((int(start), int(self.next[state]) + 1, int(ent_label)))
            self.open_start[state] = -1
        self.next[a] += 1
        self.next[a[~chosen]] = self.lengths[a[~chosen]]
        self.active = a[self.next[a] < self.lengths[a]]


class _Validity:
    """Which moves are valid in each state, as the moves' ``is_valid`` in ner.pyx. A
    move's validity depends on the state only through a few facts (the presets of the
    next two tokens, the open entity's label, a sentence start, a space, the end), so each
    combination's row of moves is worked out once, then looked up."""

    def __init__(self, kinds: np.ndarray, labels: np.ndarray) -> None:
        self.kinds = kinds
        self.known = np.unique(labels[labels != 0])
        self.move_labels = self._index(labels)
        # facts: iob0, iob1, preset label of token 0, open entity (0: none, else 1 + its
        # label), sentence start at token 1, space at token 0, a token after token 0
        self.sizes = (4, 4, len(self.known) + 2, len(self.known) + 3, 2, 2, 2)
        self.rows: dict[int, np.ndarray] = {}

    def _index(self, labels: np.ndarray) -> np.ndarray:
        """0 for no label, 1 + the index in ``known``, or len(known) + 1 for a label no
        move has."""
        at = np.minimum(np.searchsorted(self.known, labels), len(self.known) - 1)
        return np.where(labels == 0, 0, np.where(self.known[at] == labels, at + 1, len(self.known) + 1))

    def __call__(self, states: _States) -> np.ndarray:
        a = states.active
        b = states.next[a]
        row0, row1 = states.token(b), states.token(b + 1)
        is_open = states.open_start[a] >= 0
        facts = (states.iob[row0], states.iob[row1], self._index(states.ent_type[row0]),
                 np.where(is_open, self._index(states.open_label[a]) + 1, 0),
                 states.sent_start[row1] == 1, states.is_space[row0], b + 1 < states.lengths[a])
        rows = []
        for key in np.ravel_multi_index(facts, self.sizes).tolist():
            row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = self._row(*(int(f) for f in np.unravel_index(key, self.sizes)))
            rows.append(row)
        return np.array(rows)

    def _row(self, iob0: int, iob1: int, type0: int, open_entity: int, sent1: int, space0: int,
             has_next: int) -> np.ndarray:
        """The moves' validity for one combination of facts (Begin, In, Last, Unit, Out)."""
        kind, label = self.kinds, self.move_labels
        labelled, preset, is_open = label != 0, label == type0, open_entity > 0
        same_as_open = label == open_entity - 1
        n = len(kind)
        if iob0 == IOB_BEGIN:
            begin = preset & (iob1 == IOB_IN)
        else:
            begin = np.full(n, iob0 != IOB_IN and iob1 != IOB_BEGIN and not sent1 and not space0)
        begin &= labelled & (not is_open) & bool(has_next)
        if iob0 == IOB_IN:
            inside = preset & (iob1 not in (IOB_MISSING, IOB_OUT))
        else:
            inside = np.full(n, not sent1)
        inside &= labelled & same_as_open & (is_open and bool(has_next) and iob0 != IOB_BEGIN and iob1 != IOB_BEGIN)
        if iob0 == IOB_IN and iob1 != IOB_IN:
            last = preset.copy()
        else:
            last = same_as_open & (iob1 != IOB_IN)
        last &= labelled & is_open
        if iob0 == IOB_BEGIN:
            unit = preset.copy()
        else:
            unit = np.full(n, not space0)
        unit &= (not is_open) & (iob1 != IOB_IN)
        unit = np.where(labelled, unit, type0 == 0 and iob0 == IOB_BEGIN)
        out = np.full(n, not is_open and iob0 not in (IOB_BEGIN, IOB_IN))
        return np.select([kind == BEGIN, kind == IN, kind == LAST, kind == UNIT], [begin, inside, last, unit],
                         default=out)


def _annotate(doc: Doc, entities: Iterable[tuple[int, int, int]]) -> None:
    """``BiluoPushDown.set_annotations``: the entities set, other tokens' missing
    preset made "outside"."""
    spans = [Span(doc, start, end, label=label, kb_id=doc[start].ent_kb_id) for start, end, label in entities]
    doc.set_ents(spans, default="unmodified")
    missing = [doc[i:i + 1] for i, iob in enumerate(doc.to_array([ENT_IOB])) if iob == IOB_MISSING]
    if missing:
        doc.set_ents([], outside=missing, default="unmodified")
