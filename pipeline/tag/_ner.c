/* The NER decoder's per-step work, in C.
 *
 * pipeline/tag/ner_decoder.py (_States, _Validity, _Decoder._decode) is the reference:
 * a decoding step here does what one pass of its loop does, with the same float32
 * additions in the same order, except the output layer's matrix product, which stays
 * with blis in Python (the same products as spaCy's). A step in numpy is some forty
 * small array operations and a Python look-up per state; here it is two calls.
 * tests/test_ner_decoder.py holds both to spaCy's own entities.
 *
 * Decoding(cached, bias, scores_bias, iob, ent_type, sent_start, is_space, offsets,
 *          lengths, group, kinds, labels, unseen)
 *   .hidden(out) -> n   the active states' hidden layer into out's first n rows
 *   .advance(scores)    bias, unseen moves, best valid move and the move itself
 *   .entities()         [(state, start, end, label)] in the order they were closed
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { BEGIN, IN, LAST, UNIT, OUT };                          /* move kinds */
enum { IOB_MISSING, IOB_IN, IOB_OUT, IOB_BEGIN };             /* a token's preset ent_iob */
#define N_FEATURES 3

typedef struct {
    PyObject_HEAD
    Py_buffer cached;            /* float32 (rows, 3, hidden, pieces), row 0 the padding */
    float *bias, *scores_bias;   /* (hidden, pieces), (moves) */
    Py_ssize_t hidden, pieces, moves;
    int64_t *iob, *sent_start;   /* per token row; the last row is the token past the end */
    uint64_t *ent_type;
    uint8_t *is_space;
    Py_ssize_t past_end;
    int64_t *offsets, *lengths, *group, *next, *open_start;  /* per state */
    uint64_t *open_label;
    Py_ssize_t states;
    Py_ssize_t *active, n_active;
    int64_t *kinds;
    uint64_t *labels;
    uint8_t *unseen;             /* per move: a move the model never saw */
    int any_unseen;
    int64_t *entities;           /* (state, start, end, label) rows */
    Py_ssize_t n_entities, cap_entities;
} Decoding;

/* A copy of a contiguous buffer of ``count`` items of ``itemsize`` bytes (count < 0: any). */
static void *copied(PyObject *obj, Py_ssize_t itemsize, Py_ssize_t *count, const char *name) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    void *data = NULL;
    if (view.itemsize != itemsize || view.len % itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: items of %zd bytes expected", name, itemsize);
    } else if (*count >= 0 && view.len / itemsize != *count) {
        PyErr_Format(PyExc_ValueError, "%s: %zd items expected, not %zd", name, *count, view.len / itemsize);
    } else {
        *count = view.len / itemsize;
        data = PyMem_Malloc(view.len ? (size_t)view.len : 1);
        if (!data) PyErr_NoMemory();
        else memcpy(data, view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    return data;
}

static void Decoding_dealloc(Decoding *self) {
    if (self->cached.obj) PyBuffer_Release(&self->cached);
    void *owned[] = {self->bias, self->scores_bias, self->iob, self->sent_start, self->ent_type, self->is_space,
                     self->offsets, self->lengths, self->group, self->next, self->open_start, self->open_label,
                     self->active, self->kinds, self->labels, self->unseen, self->entities};
    for (size_t i = 0; i < sizeof owned / sizeof *owned; i++) PyMem_Free(owned[i]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Decoding_init(Decoding *self, PyObject *args, PyObject *kwargs) {
    PyObject *cached, *bias, *sbias, *iob, *ent_type, *sent_start, *is_space, *offsets, *lengths, *group, *kinds,
             *labels, *unseen;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOOO", &cached, &bias, &sbias, &iob, &ent_type, &sent_start, &is_space,
                          &offsets, &lengths, &group, &kinds, &labels, &unseen))
        return -1;
    if (self->cached.obj) return PyErr_SetString(PyExc_RuntimeError, "Decoding initialised twice"), -1;
    if (PyObject_GetBuffer(cached, &self->cached, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_ND) < 0) return -1;
    if (self->cached.ndim != 4 || self->cached.itemsize != 4 || strcmp(self->cached.format, "f") != 0
        || self->cached.shape[1] != N_FEATURES || self->cached.shape[0] < 1) {
        PyErr_SetString(PyExc_ValueError, "cached: a float32 array (rows, 3, hidden, pieces) expected");
        return -1;
    }
    self->hidden = self->cached.shape[2];
    self->pieces = self->cached.shape[3];
    Py_ssize_t cells = self->hidden * self->pieces, rows = -1, states = -1, moves = -1, n_unseen = -1;
    if (!(self->bias = copied(bias, 4, &cells, "bias"))) return -1;
    if (!(self->kinds = copied(kinds, 8, &moves, "kinds"))) return -1;
    if (!(self->labels = copied(labels, 8, &moves, "labels"))) return -1;
    if (!(self->scores_bias = copied(sbias, 4, &moves, "scores_bias"))) return -1;
    self->moves = moves;
    if (!(self->iob = copied(iob, 8, &rows, "iob"))) return -1;
    if (rows < 1) return PyErr_SetString(PyExc_ValueError, "iob: the past-the-end row is missing"), -1;
    if (!(self->ent_type = copied(ent_type, 8, &rows, "ent_type"))) return -1;
    if (!(self->sent_start = copied(sent_start, 8, &rows, "sent_start"))) return -1;
    if (!(self->is_space = copied(is_space, 1, &rows, "is_space"))) return -1;
    self->past_end = rows - 1;
    if (!(self->offsets = copied(offsets, 8, &states, "offsets"))) return -1;
    if (!(self->lengths = copied(lengths, 8, &states, "lengths"))) return -1;
    if (!(self->group = copied(group, 8, &states, "group"))) return -1;
    self->states = states;
    int64_t *unseen_moves = copied(unseen, 8, &n_unseen, "unseen");
    if (!unseen_moves) return -1;
    self->unseen = PyMem_Calloc((size_t)moves + 1, 1);
    self->next = PyMem_Calloc((size_t)states + 1, sizeof(int64_t));
    self->open_start = PyMem_Malloc(((size_t)states + 1) * sizeof(int64_t));
    self->open_label = PyMem_Calloc((size_t)states + 1, sizeof(uint64_t));
    self->active = PyMem_Malloc(((size_t)states + 1) * sizeof(Py_ssize_t));
    if (!self->unseen || !self->next || !self->open_start || !self->open_label || !self->active) {
        PyMem_Free(unseen_moves);
        return PyErr_NoMemory(), -1;
    }
    for (Py_ssize_t i = 0; i < n_unseen; i++) {
        if (unseen_moves[i] < 0 || unseen_moves[i] >= moves) {
            PyMem_Free(unseen_moves);
            return PyErr_SetString(PyExc_ValueError, "unseen: a move out of range"), -1;
        }
        self->unseen[unseen_moves[i]] = 1;
        self->any_unseen = 1;
    }
    PyMem_Free(unseen_moves);
    Py_ssize_t cached_rows = self->cached.shape[0];
    self->n_active = 0;
    for (Py_ssize_t s = 0; s < states; s++) {
        self->open_start[s] = -1;
        /* a state reads rows offset .. offset + length - 1 of the tokens and, shifted by
           one, of cached (row 0 pads): checked once here, never in the steps */
        if (self->lengths[s] < 0 || self->offsets[s] < 0 || self->offsets[s] + self->lengths[s] > self->past_end
            || self->offsets[s] + self->lengths[s] >= cached_rows) {
            return PyErr_SetString(PyExc_ValueError, "offsets and lengths: a state beyond the tokens"), -1;
        }
        if (self->lengths[s] > 0) self->active[self->n_active++] = s;
    }
    return 0;
}

/* The row of the tokens table for ``position`` in state ``s`` (past its end: the empty row). */
static inline Py_ssize_t token_row(const Decoding *self, Py_ssize_t s, int64_t position) {
    return position < self->lengths[s] ? (Py_ssize_t)(self->offsets[s] + position) : self->past_end;
}

static PyObject *Decoding_hidden(Decoding *self, PyObject *arg) {
    Py_buffer out;
    if (PyObject_GetBuffer(arg, &out, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) return NULL;
    const Py_ssize_t H = self->hidden, P = self->pieces, n = self->n_active;
    if (out.itemsize != 4 || out.len < (Py_ssize_t)(n * H * 4)) {
        PyBuffer_Release(&out);
        return PyErr_Format(PyExc_ValueError, "out: room for %zd float32 rows of %zd expected", n, H);
    }
    const float *cached = self->cached.buf;
    float *hidden = out.buf;
    const Py_ssize_t row = N_FEATURES * H * P, feature = H * P;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t s = self->active[k];
        /* set_context_tokens: the buffer's first token, the open entity's first, the
           token before the buffer (-1: none, which reads the padding row 0) */
        int64_t b0 = self->offsets[s] + self->next[s], e0 = -1, before = -1;
        if (self->open_start[s] >= 0) {
            e0 = self->offsets[s] + self->open_start[s];
            before = b0 - 1;
        }
        const float *f0 = cached + (b0 + 1) * row, *f1 = cached + (e0 + 1) * row + feature,
                    *f2 = cached + (before + 1) * row + 2 * feature;
        for (Py_ssize_t h = 0; h < H; h++) {
            float best = 0;
            for (Py_ssize_t p = 0; p < P; p++) {  /* maxout, a NaN kept as numpy's max keeps it */
                Py_ssize_t c = h * P + p;
                float value = f0[c] + f1[c];
                value += f2[c];
                value += self->bias[c];
                if (p == 0 || (!isnan(best) && (value > best || isnan(value)))) best = value;
            }
            hidden[k * H + h] = best;
        }
    }
    PyBuffer_Release(&out);
    return PyLong_FromSsize_t(n);
}

/* Whether move ``j`` is valid in state ``s`` (ner.pyx's is_valid; _Validity._row). */
static int valid(const Decoding *self, Py_ssize_t s, Py_ssize_t j) {
    int64_t b = self->next[s];
    Py_ssize_t r0 = token_row(self, s, b), r1 = token_row(self, s, b + 1);
    int64_t iob0 = self->iob[r0], iob1 = self->iob[r1];
    uint64_t type0 = self->ent_type[r0], label = self->labels[j];
    int sent1 = self->sent_start[r1] == 1, space0 = self->is_space[r0] != 0, has_next = b + 1 < self->lengths[s];
    int is_open = self->open_start[s] >= 0, labelled = label != 0, preset = label == type0;
    int same_as_open = is_open && label == self->open_label[s];
    switch (self->kinds[j]) {
    case BEGIN:
        return (iob0 == IOB_BEGIN ? preset && iob1 == IOB_IN
                                  : iob0 != IOB_IN && iob1 != IOB_BEGIN && !sent1 && !space0)
               && labelled && !is_open && has_next;
    case IN:
        return (iob0 == IOB_IN ? preset && iob1 != IOB_MISSING && iob1 != IOB_OUT : !sent1)
               && labelled && same_as_open && has_next && iob0 != IOB_BEGIN && iob1 != IOB_BEGIN;
    case LAST:
        return (iob0 == IOB_IN && iob1 != IOB_IN ? preset : same_as_open && iob1 != IOB_IN) && labelled && is_open;
    case UNIT:
        if (!labelled) return type0 == 0 && iob0 == IOB_BEGIN;
        return (iob0 == IOB_BEGIN ? preset : !space0) && !is_open && iob1 != IOB_IN;
    default:
        return !is_open && iob0 != IOB_BEGIN && iob0 != IOB_IN;
    }
}

static int add_entity(Decoding *self, Py_ssize_t s, int64_t start, int64_t end, uint64_t label) {
    if (self->n_entities == self->cap_entities) {
        Py_ssize_t cap = self->cap_entities ? self->cap_entities * 2 : 64;
        int64_t *rows = PyMem_Realloc(self->entities, (size_t)cap * 4 * sizeof(int64_t));
        if (!rows) return PyErr_NoMemory(), -1;
        self->entities = rows;
        self->cap_entities = cap;
    }
    int64_t *row = self->entities + 4 * self->n_entities++;
    row[0] = s, row[1] = start, row[2] = end;
    memcpy(&row[3], &label, sizeof label);
    return 0;
}

static PyObject *Decoding_advance(Decoding *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE) < 0) return NULL;
    const Py_ssize_t n = self->n_active, M = self->moves;
    if (view.itemsize != 4 || view.len != (Py_ssize_t)(n * M * 4)) {
        PyBuffer_Release(&view);
        return PyErr_Format(PyExc_ValueError, "scores: %zd x %zd float32 expected", n, M);
    }
    float *scores = view.buf;
    for (Py_ssize_t k = 0; k < n; k++)
        for (Py_ssize_t j = 0; j < M; j++) scores[k * M + j] += self->scores_bias[j];
    if (self->any_unseen) {
        /* each sub-batch's (a run of one group) unseen moves score its lowest score */
        for (Py_ssize_t first = 0, last; first < n; first = last) {
            int64_t g = self->group[self->active[first]];
            float lowest = scores[first * M];
            for (last = first; last < n && self->group[self->active[last]] == g; last++)
                for (Py_ssize_t j = 0; j < M; j++)
                    if (scores[last * M + j] < lowest) lowest = scores[last * M + j];
            for (Py_ssize_t k = first; k < last; k++)
                for (Py_ssize_t j = 0; j < M; j++)
                    if (self->unseen[j]) scores[k * M + j] = lowest;
        }
    }
    Py_ssize_t still = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t s = self->active[k], best = -1;
        for (Py_ssize_t j = 0; j < M; j++)
            if ((best < 0 || scores[k * M + j] > scores[k * M + best]) && valid(self, s, j)) best = j;
        if (best < 0) {  /* no valid move: ended, as spaCy's force_final ends it */
            self->next[s] = self->lengths[s];
            continue;
        }
        int64_t kind = self->kinds[best];
        uint64_t label = self->labels[best];
        if (kind == BEGIN) {
            self->open_start[s] = self->next[s];
            self->open_label[s] = label;
        } else if (kind == LAST || kind == UNIT) {
            int64_t start = kind == LAST ? self->open_start[s] : self->next[s];
            uint64_t entity = kind == LAST ? self->open_label[s] : label;
            if (add_entity(self, s, start, self->next[s] + 1, entity) < 0) {
                PyBuffer_Release(&view);
                return NULL;
            }
            self->open_start[s] = -1;
        }
        if (++self->next[s] < self->lengths[s]) self->active[still++] = s;
    }
    self->n_active = still;
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyObject *Decoding_entities(Decoding *self, PyObject *unused) {
    PyObject *list = PyList_New(self->n_entities);
    if (!list) return NULL;
    for (Py_ssize_t i = 0; i < self->n_entities; i++) {
        const int64_t *row = self->entities + 4 * i;
        uint64_t label;
        memcpy(&label, &row[3], sizeof label);
        PyObject *item = Py_BuildValue("(nLLK)", (Py_ssize_t)row[0], (long long)row[1], (long long)row[2],
                                       (unsigned long long)label);
        if (!item) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

static PyMethodDef Decoding_methods[] = {
    {"hidden", (PyCFunction)Decoding_hidden, METH_O, "The active states' hidden layer into out; their number."},
    {"advance", (PyCFunction)Decoding_advance, METH_O, "Each active state's best valid move, made."},
    {"entities", (PyCFunction)Decoding_entities, METH_NOARGS, "The entities closed: (state, start, end, label)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject DecodingType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline.tag._ner.Decoding",
    .tp_basicsize = sizeof(Decoding),
    .tp_dealloc = (destructor)Decoding_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The decoding states of a batch of documents.",
    .tp_methods = Decoding_methods,
    .tp_init = (initproc)Decoding_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ner", "The NER decoder's steps in C.", -1, NULL};

PyMODINIT_FUNC PyInit__ner(void) {
    if (PyType_Ready(&DecodingType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&DecodingType);
    if (PyModule_AddObject(m, "Decoding", (PyObject *)&DecodingType) < 0) {
        Py_DECREF(&DecodingType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
