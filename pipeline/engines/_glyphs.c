/* The pdfium engine's per-glyph loop and word grouping, in C.
 *
 * pipeline/engines/pdfium.py (page_chars) and pipeline/layout.py (words_from_chars) are
 * the reference: this module does the same steps, in the same order and with the same
 * double arithmetic, without a ctypes call per glyph (five of them, about 0.3 us each) or
 * a Python object per glyph. tests/test_engines.py holds the two to identical pages.
 *
 * pdfium's functions are looked up in the library pypdfium2 has already loaded (bind()).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { float left, top, right, bottom; } FSRect;

static unsigned int (*GetUnicode)(void *, int);
static int (*IsGenerated)(void *, int);
static int (*HasUnicodeMapError)(void *, int);
static void *(*GetTextObject)(void *, int);
static int (*GetLooseCharBox)(void *, int, FSRect *);
static int (*GetCharOrigin)(void *, int, double *, double *);
static int (*GetCharBox)(void *, int, double *, double *, double *, double *);
static int (*GetGlyphWidth)(void *, uint32_t, float, float *);
static int (*CountChars)(void *);

#define LINE_END_HYPHEN 0x02
#define CONTEXTUAL_SCRIPTS 0x0590
#define OVERHANG 0.01

typedef struct {
    PyObject *text;      /* owned */
    PyObject *fontname;  /* borrowed from the font tuple, which the fonts dict holds */
    double x0, x1, top, bottom, size;
} Glyph;

typedef struct { Glyph *items; Py_ssize_t len, cap; } Glyphs;

static int push(Glyphs *list, Glyph glyph) {
    if (list->len == list->cap) {
        Py_ssize_t cap = list->cap ? list->cap * 2 : 256;
        Glyph *items = PyMem_Realloc(list->items, (size_t)cap * sizeof(Glyph));
        if (!items) { PyErr_NoMemory(); return -1; }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->len++] = glyph;
    return 0;
}

static void release(Glyphs *list) {
    for (Py_ssize_t i = 0; i < list->len; i++) Py_XDECREF(list->items[i].text);
    PyMem_Free(list->items);
    list->items = NULL;
    list->len = list->cap = 0;
}

/* A text object's font, as pdfium.py's _font gives it. */
typedef struct {
    PyObject *fontname;
    double size, descent, scale;
    int straight;
    void *handle;
} Font;

static int font_fields(PyObject *tuple, Font *font) {
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != 6) {
        PyErr_SetString(PyExc_TypeError, "font_of must return a 6-tuple");
        return -1;
    }
    PyObject *handle = PyTuple_GET_ITEM(tuple, 4);
    font->fontname = PyTuple_GET_ITEM(tuple, 0);
    font->size = PyFloat_AsDouble(PyTuple_GET_ITEM(tuple, 1));
    font->descent = PyFloat_AsDouble(PyTuple_GET_ITEM(tuple, 2));
    font->straight = PyObject_IsTrue(PyTuple_GET_ITEM(tuple, 3));
    font->handle = handle == Py_None ? NULL : PyLong_AsVoidPtr(handle);
    font->scale = PyFloat_AsDouble(PyTuple_GET_ITEM(tuple, 5));
    return PyErr_Occurred() ? -1 : 0;
}

/* The advance width per unit of scale of a (font, code), asked of pdfium once a page:
 * pdfium looks the code up through the font's Unicode map. */
typedef struct { void *font; unsigned int code; int used; double advance; } AdvanceSlot;
typedef struct { AdvanceSlot *slots; size_t mask; size_t used; } Advances;

static int advance_of(Advances *table, void *font, unsigned int code, double *out) {
    if (table->used * 2 >= table->mask) {
        size_t size = (table->mask + 1) * 2;
        AdvanceSlot *slots = PyMem_Calloc(size, sizeof(AdvanceSlot));
        if (!slots) { PyErr_NoMemory(); return -1; }
        for (size_t i = 0; i <= table->mask && table->slots; i++) {
            AdvanceSlot old = table->slots[i];
            if (!old.used) continue;
            size_t j = ((uintptr_t)old.font * 31u + old.code * 2654435761u) & (size - 1);
            while (slots[j].used) j = (j + 1) & (size - 1);
            slots[j] = old;
        }
        PyMem_Free(table->slots);
        table->slots = slots;
        table->mask = size - 1;
    }
    size_t j = ((uintptr_t)font * 31u + code * 2654435761u) & table->mask;
    while (table->slots[j].used) {
        if (table->slots[j].font == font && table->slots[j].code == code) {
            *out = table->slots[j].advance;
            return 0;
        }
        j = (j + 1) & table->mask;
    }
    float width = 0.0f;
    double advance = GetGlyphWidth(font, code, 1.0f, &width) ? (double)width : 0.0;
    table->slots[j] = (AdvanceSlot){font, code, 1, advance};
    table->used++;
    *out = advance;
    return 0;
}

/* page_chars: the textpage's glyphs, upright first (the rotated ones only where they are
 * most of the page). Returns 0, or -1 with a Python error set. */
static int read_glyphs(void *textpage, int count, double flip, PyObject *font_of, Glyphs *out) {
    Glyphs upright = {0}, rotated = {0};
    Advances advances = {PyMem_Calloc(64, sizeof(AdvanceSlot)), 63, 0};
    PyObject *fonts = PyDict_New();
    FSRect rect = {0};
    double ox = 0.0, oy = 0.0, last_x = 0.0, last_y = 0.0;
    void *last_obj = NULL, *font_obj = NULL;
    Font font = {0};
    int has_last = 0, has_font = 0, status = -1;
    if (!fonts || !advances.slots) { PyErr_NoMemory(); goto done; }
    for (int i = 0; i < count; i++) {
        unsigned int code = GetUnicode(textpage, i);
        GetLooseCharBox(textpage, i, &rect);
        double left = rect.left, right = rect.right;
        if ((code == 0x20 || code == 0x0A || code == 0x0D) && (left == right || IsGenerated(textpage, i)))
            continue;
        void *obj = GetTextObject(textpage, i);
        if (!(has_font && obj == font_obj)) {  /* a text object's glyphs come one after another */
            PyObject *key = PyLong_FromVoidPtr(obj);
            if (!key) goto done;
            PyObject *tuple = PyDict_GetItemWithError(fonts, key);
            if (!tuple) {
                if (PyErr_Occurred()) { Py_DECREF(key); goto done; }
                tuple = PyObject_CallFunction(font_of, "iO", i, key);
                if (!tuple || PyDict_SetItem(fonts, key, tuple) < 0) { Py_XDECREF(tuple); Py_DECREF(key); goto done; }
                Py_DECREF(tuple);  /* the dict holds it */
            }
            Py_DECREF(key);
            if (font_fields(tuple, &font) < 0) goto done;
            has_font = 1;
            font_obj = obj;
        }
        GetCharOrigin(textpage, i, &ox, &oy);
        double x = ox, y = oy;
        if (x < left - (right - left) / 2) x = left;
        PyObject *text;
        if (code == 0 || HasUnicodeMapError(textpage, i)) text = PyUnicode_New(0, 0);
        else if (code == LINE_END_HYPHEN) text = PyUnicode_FromOrdinal('-');
        else text = PyUnicode_FromOrdinal((int)code);
        if (!text) goto done;
        Glyphs *target = font.straight ? &upright : &rotated;
        if (has_last && x == last_x && y == last_y && obj == last_obj && target->len) {
            Glyph *glyph = &target->items[target->len - 1];  /* a ligature's letters share one glyph */
            PyObject *joined = PyUnicode_Concat(glyph->text, text);
            Py_DECREF(text);
            if (!joined) goto done;
            Py_SETREF(glyph->text, joined);
            glyph->fontname = font.fontname;
            glyph->size = font.size;
            if (right > glyph->x1) glyph->x1 = right;
            continue;
        }
        has_last = 1;
        last_x = x;
        last_y = y;
        last_obj = obj;
        double advance;
        if (advance_of(&advances, font.handle, code, &advance) < 0) { Py_DECREF(text); goto done; }
        double x1 = right, scaled = advance * font.scale;
        if (code < CONTEXTUAL_SCRIPTS && 0 < scaled && scaled < x1 - x - OVERHANG) {
            double l, r, b, t;
            if ((GetCharBox(textpage, i, &l, &r, &b, &t) ? r : 0.0) >= x1 - OVERHANG) x1 = x + scaled;
        }
        double bottom = flip - y - font.descent;
        Glyph glyph = {text, font.fontname, x, x1, bottom - font.size, bottom, font.size};
        if (push(target, glyph) < 0) { Py_DECREF(text); goto done; }
    }
    if (upright.len >= rotated.len) {
        *out = upright;
        upright = (Glyphs){0};
    } else {
        for (Py_ssize_t i = 0; i < rotated.len; i++) {
            if (push(&upright, rotated.items[i]) < 0) goto done;
            rotated.items[i].text = NULL;  /* moved */
        }
        *out = upright;
        upright = (Glyphs){0};
    }
    status = 0;
done:
    release(&upright);
    release(&rotated);
    PyMem_Free(advances.slots);
    if (status == 0) {
        /* The fontnames are borrowed from the tuples: keep them alive with the glyphs. */
        for (Py_ssize_t i = 0; i < out->len; i++) Py_INCREF(out->items[i].fontname);
    }
    Py_XDECREF(fonts);
    return status;
}

/* Sorting indices by one key, ties in index order: Python's stable sort. */
static const Glyph *sort_glyphs;

static int by_top(const void *a, const void *b) {
    Py_ssize_t i = *(const Py_ssize_t *)a, j = *(const Py_ssize_t *)b;
    double p = sort_glyphs[i].top, q = sort_glyphs[j].top;
    if (p < q) return -1;
    if (p > q) return 1;
    return (i > j) - (i < j);
}

static int by_left_right(const void *a, const void *b) {
    Py_ssize_t i = *(const Py_ssize_t *)a, j = *(const Py_ssize_t *)b;
    const Glyph *p = &sort_glyphs[i], *q = &sort_glyphs[j];
    if (p->x0 != q->x0) return p->x0 < q->x0 ? -1 : 1;
    if (p->x1 != q->x1) return p->x1 < q->x1 ? -1 : 1;
    return (i > j) - (i < j);
}

static int is_space(PyObject *text) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0) return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t k = 0; k < n; k++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k))) return 0;
    return 1;
}

/* One word: (text, x0, x1, top, bottom, size, fontname). The text is the glyphs' texts
 * joined where all are ASCII (scripts.logical_order leaves those as they are), else the
 * list of them, left to right, for logical_order to put in reading order. */
static int emit(PyObject *words, const Glyph *glyphs, const Py_ssize_t *members, Py_ssize_t n) {
    PyObject *texts = PyList_New(n);
    if (!texts) return -1;
    const Glyph *first = &glyphs[members[0]];
    double x1 = first->x1, top = first->top, bottom = first->bottom;
    int ascii = 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        const Glyph *g = &glyphs[members[k]];
        Py_INCREF(g->text);
        PyList_SET_ITEM(texts, k, g->text);
        ascii = ascii && PyUnicode_IS_ASCII(g->text);
        if (g->x1 > x1) x1 = g->x1;
        if (g->top < top) top = g->top;
        if (g->bottom > bottom) bottom = g->bottom;
    }
    if (ascii) {
        PyObject *empty = PyUnicode_New(0, 0);
        PyObject *joined = empty ? PyUnicode_Join(empty, texts) : NULL;
        Py_XDECREF(empty);
        Py_DECREF(texts);
        if (!joined) return -1;
        texts = joined;
    }
    PyObject *word = Py_BuildValue("(NdddddO)", texts, first->x0, x1, top, bottom, first->size, first->fontname);
    if (!word) return -1;
    int status = PyList_Append(words, word);
    Py_DECREF(word);
    return status;
}

/* layout._overprinted: whether glyph c repeats one of the row's kept glyphs left of it. */
static int overprinted(const Glyph *glyphs, const Glyph *c, const Py_ssize_t *kept, Py_ssize_t n_kept,
                       double shift, double y_tolerance) {
    double reach = c->x0 - shift * (c->x1 - c->x0);
    for (Py_ssize_t k = n_kept - 1; k >= 0; k--) {
        const Glyph *other = &glyphs[kept[k]];
        if (other->x0 < reach) return 0;
        int same = PyUnicode_Compare(other->text, c->text) == 0;
        if (same && fabs(other->top - c->top) <= y_tolerance) return 1;
    }
    return 0;
}

/* layout.words_from_chars over the glyphs. */
static PyObject *group_words(const Glyphs *all, double x_tolerance, double y_tolerance, double min_size,
                             double shift) {
    Py_ssize_t n = 0, *order = PyMem_Malloc(((size_t)all->len + 1) * 3 * sizeof(Py_ssize_t));
    if (!order) return PyErr_NoMemory();
    Py_ssize_t *current = order + all->len + 1, *kept = current + all->len + 1;
    for (Py_ssize_t i = 0; i < all->len; i++)
        if (all->items[i].size >= min_size) order[n++] = i;
    const Glyph *glyphs = all->items;
    sort_glyphs = glyphs;
    qsort(order, (size_t)n, sizeof(Py_ssize_t), by_top);
    PyObject *words = PyList_New(0);
    if (!words) { PyMem_Free(order); return NULL; }
    Py_ssize_t start = 0;
    while (start < n) {
        Py_ssize_t end = start + 1;
        while (end < n && !(glyphs[order[end]].top - glyphs[order[end - 1]].top > y_tolerance)) end++;
        qsort(order + start, (size_t)(end - start), sizeof(Py_ssize_t), by_left_right);
        Py_ssize_t n_current = 0, n_kept = 0;
        for (Py_ssize_t k = start; k < end; k++) {
            Py_ssize_t i = order[k];
            const Glyph *c = &glyphs[i];
            if (n_kept && glyphs[kept[n_kept - 1]].x0 >= c->x0 - shift * (c->x1 - c->x0)
                    && overprinted(glyphs, c, kept, n_kept, shift, y_tolerance))
                continue;
            if (PyErr_Occurred()) goto fail;
            kept[n_kept++] = i;
            if (n_current) {
                const Glyph *prev = &glyphs[current[n_current - 1]];
                int other_font = prev->fontname != c->fontname
                    && PyObject_RichCompareBool(prev->fontname, c->fontname, Py_NE);
                if (other_font < 0) goto fail;
                if (c->x0 - prev->x1 > x_tolerance || c->size != prev->size || other_font) {
                    if (emit(words, glyphs, current, n_current) < 0) goto fail;
                    n_current = 0;
                }
            }
            if (is_space(c->text)) {
                if (n_current && c->size >= glyphs[current[n_current - 1]].size / 2) {
                    if (emit(words, glyphs, current, n_current) < 0) goto fail;
                    n_current = 0;
                }
                continue;
            }
            current[n_current++] = i;
        }
        if (n_current && emit(words, glyphs, current, n_current) < 0) goto fail;
        start = end;
    }
    PyMem_Free(order);
    return words;
fail:
    PyMem_Free(order);
    Py_DECREF(words);
    return NULL;
}

static PyObject *bind(PyObject *self, PyObject *args) {
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (!lib) lib = dlopen(path, RTLD_NOW);
    if (!lib) return PyErr_Format(PyExc_OSError, "cannot open %s: %s", path, dlerror());
    struct { void **slot; const char *name; } symbols[] = {
        {(void **)&GetUnicode, "FPDFText_GetUnicode"}, {(void **)&IsGenerated, "FPDFText_IsGenerated"},
        {(void **)&HasUnicodeMapError, "FPDFText_HasUnicodeMapError"},
        {(void **)&GetTextObject, "FPDFText_GetTextObject"}, {(void **)&GetLooseCharBox, "FPDFText_GetLooseCharBox"},
        {(void **)&GetCharOrigin, "FPDFText_GetCharOrigin"}, {(void **)&GetCharBox, "FPDFText_GetCharBox"},
        {(void **)&GetGlyphWidth, "FPDFFont_GetGlyphWidth"}, {(void **)&CountChars, "FPDFText_CountChars"},
    };
    for (size_t k = 0; k < sizeof(symbols) / sizeof(symbols[0]); k++) {
        void *address = dlsym(lib, symbols[k].name);
        if (!address) return PyErr_Format(PyExc_OSError, "%s has no %s", path, symbols[k].name);
        *symbols[k].slot = address;
    }
    Py_RETURN_NONE;
}

static PyObject *page_words(PyObject *self, PyObject *args) {
    PyObject *handle, *font_of;
    double flip, x_tolerance, y_tolerance, min_size, shift;
    if (!PyArg_ParseTuple(args, "OdOdddd", &handle, &flip, &font_of, &x_tolerance, &y_tolerance, &min_size, &shift))
        return NULL;
    if (!GetUnicode) return PyErr_Format(PyExc_RuntimeError, "bind() pdfium first");
    void *textpage = PyLong_AsVoidPtr(handle);
    if (!textpage && PyErr_Occurred()) return NULL;
    Glyphs glyphs = {0};
    if (read_glyphs(textpage, CountChars(textpage), flip, font_of, &glyphs) < 0) return NULL;
    int unmapped = 0;
    for (Py_ssize_t i = 0; i < glyphs.len && !unmapped; i++) unmapped = PyUnicode_GET_LENGTH(glyphs.items[i].text) == 0;
    PyObject *words = group_words(&glyphs, x_tolerance, y_tolerance, min_size, shift);
    for (Py_ssize_t i = 0; i < glyphs.len; i++) Py_DECREF(glyphs.items[i].fontname);
    release(&glyphs);
    if (!words) return NULL;
    return Py_BuildValue("(NO)", words, unmapped ? Py_True : Py_False);
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(path): look pdfium's functions up in the library at path."},
    {"page_words", page_words, METH_VARARGS,
     "page_words(textpage, flip, font_of, x_tolerance, y_tolerance, min_size, faux_bold_shift) -> "
     "(words, unmapped): a textpage's words as (glyph texts, x0, x1, top, bottom, size, fontname), and whether a "
     "glyph reads as nothing."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_glyphs", "pdfium's glyphs to words, in C.", -1, methods};

PyMODINIT_FUNC PyInit__glyphs(void) { return PyModule_Create(&module); }
