/*
 * out += W @ A for a CSR matrix W and a dense, C-contiguous A: the product
 * of sparse inference (skprune/_core/sparse_predict.py), in float32 and
 * float64.
 *
 * SciPy's kernel (csr_matvecs) adds each non-zero's scaled row of A into
 * the output row through memory: a load and a store of the output per
 * non-zero, at the compiler's baseline vector width. This one holds a strip
 * of STRIP_VECTORS vectors of an output row in registers while it adds every
 * non-zero of that row, and stores the strip once; on x86-64 machines with
 * AVX2 and FMA it runs a copy compiled for them, chosen when the module loads.
 * Each output element is summed in the order of its row's entries, by the
 * same vector arithmetic wherever it lies, so the product of a block of A's
 * columns is bit for bit that block of the whole product: results do not
 * depend on how the columns are shared between threads.
 *
 * Plain C with GCC's vector extensions (GCC and Clang); the extension is
 * optional at install time and skprune falls back to SciPy's kernel
 * without it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VECTOR_BYTES 32  /* one AVX2 register; two SSE2 or NEON ones elsewhere */
#define STRIP_VECTORS 8  /* 8 accumulators: 64 float32 or 32 float64 columns */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_COPY 1
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#else
#define HAVE_AVX2_COPY 0
#endif

/* The kernel for one element type T with vector type V of VECTOR_BYTES.
 * Strips of STRIP_VECTORS vectors, then one vector at a time, the last one
 * part-filled: every element goes through the same vector multiply-adds
 * whichever part of the columns it falls in, so a block of columns gives
 * the same bits as the whole. */
#define DEFINE_KERNEL(NAME, T, V, ATTRIBUTES)                                   \
    ATTRIBUTES static void NAME(Py_ssize_t n_rows, Py_ssize_t n_columns,        \
                                const int32_t *indptr, const int32_t *indices,  \
                                const T *data, const T *A, T *out)              \
    {                                                                           \
        enum { LANES = VECTOR_BYTES / sizeof(T), STRIP = LANES * STRIP_VECTORS };\
        Py_ssize_t start = 0;                                                   \
        for (; start + STRIP <= n_columns; start += STRIP) {                    \
            for (Py_ssize_t i = 0; i < n_rows; i++) {                           \
                T *out_strip = out + i * n_columns + start;                     \
                V sum[STRIP_VECTORS];                                           \
                _Pragma("GCC unroll 8")                                         \
                for (int v = 0; v < STRIP_VECTORS; v++)                         \
                    memcpy(&sum[v], out_strip + v * LANES, sizeof(V));          \
                for (int32_t k = indptr[i]; k < indptr[i + 1]; k++) {           \
                    const T weight = data[k];                                   \
                    const T *A_strip = A + (Py_ssize_t)indices[k] * n_columns   \
                                         + start;                               \
                    _Pragma("GCC unroll 8")                                     \
                    for (int v = 0; v < STRIP_VECTORS; v++) {                   \
                        V a;                                                    \
                        memcpy(&a, A_strip + v * LANES, sizeof(V));             \
                        sum[v] += weight * a;                                   \
                    }                                                           \
                }                                                               \
                _Pragma("GCC unroll 8")                                         \
                for (int v = 0; v < STRIP_VECTORS; v++)                         \
                    memcpy(out_strip + v * LANES, &sum[v], sizeof(V));          \
            }                                                                   \
        }                                                                       \
        for (; start < n_columns; start += LANES) {                             \
            const size_t bytes = (size_t)(n_columns - start < LANES             \
                                          ? n_columns - start : LANES)          \
                                 * sizeof(T);                                   \
            for (Py_ssize_t i = 0; i < n_rows; i++) {                           \
                T *out_vector = out + i * n_columns + start;                    \
                V sum = {0}, a = {0};                                           \
                memcpy(&sum, out_vector, bytes);                                \
                for (int32_t k = indptr[i]; k < indptr[i + 1]; k++) {           \
                    memcpy(&a, A + (Py_ssize_t)indices[k] * n_columns + start,  \
                           bytes);                                              \
                    sum += data[k] * a;                                         \
                }                                                               \
                memcpy(out_vector, &sum, bytes);                                \
            }                                                                   \
        }                                                                       \
    }

typedef float float_vector __attribute__((vector_size(VECTOR_BYTES)));
typedef double double_vector __attribute__((vector_size(VECTOR_BYTES)));

DEFINE_KERNEL(add_product_float, float, float_vector, )
DEFINE_KERNEL(add_product_double, double, double_vector, )
#if HAVE_AVX2_COPY
DEFINE_KERNEL(add_product_float_avx2, float, float_vector, AVX2_TARGET)
DEFINE_KERNEL(add_product_double_avx2, double, double_vector, AVX2_TARGET)
#endif

typedef void (*float_kernel)(Py_ssize_t, Py_ssize_t, const int32_t *, const int32_t *,
                             const float *, const float *, float *);
typedef void (*double_kernel)(Py_ssize_t, Py_ssize_t, const int32_t *, const int32_t *,
                              const double *, const double *, double *);
static float_kernel float_product = add_product_float;
static double_kernel double_product = add_product_double;

/* Whether a buffer of `length` bytes holds exactly n x m items of `itemsize`
 * bytes (without overflowing on absurd shapes). */
static int
holds(Py_ssize_t length, Py_ssize_t n, Py_ssize_t m, Py_ssize_t itemsize)
{
    if (n == 0 || m == 0)
        return length == 0;
    return n <= length / itemsize / m && n * m * itemsize == length;
}

/* Checks that the buffers hold a CSR matrix of shape (n_rows, n_inner), an
 * A of shape (n_inner, n_columns) and an out of shape (n_rows, n_columns) of
 * items of `itemsize` bytes, so that the kernel reads and writes only inside
 * them: O(n_rows + nnz), against the product's O(nnz * n_columns). */
static int
check_operands(Py_ssize_t n_rows, Py_ssize_t n_inner, Py_ssize_t n_columns,
               const Py_buffer *indptr, const Py_buffer *indices, const Py_buffer *data,
               const Py_buffer *A, const Py_buffer *out, Py_ssize_t itemsize)
{
    if (n_rows < 0 || n_rows == PY_SSIZE_T_MAX || n_inner < 0 || n_columns < 0
        || !holds(indptr->len, n_rows + 1, 1, sizeof(int32_t))
        || indices->len % (Py_ssize_t)sizeof(int32_t) != 0
        || !holds(A->len, n_inner, n_columns, itemsize)
        || !holds(out->len, n_rows, n_columns, itemsize)) {
        PyErr_SetString(PyExc_ValueError, "operands of mismatched sizes");
        return -1;
    }
    const int32_t *pointers = indptr->buf, *columns = indices->buf;
    Py_ssize_t nnz = indices->len / (Py_ssize_t)sizeof(int32_t);
    if (pointers[0] != 0 || pointers[n_rows] != nnz || data->len != nnz * itemsize) {
        PyErr_SetString(PyExc_ValueError, "indptr does not match indices and data");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n_rows; i++) {
        if (pointers[i + 1] < pointers[i]) {
            PyErr_SetString(PyExc_ValueError, "indptr is not non-decreasing");
            return -1;
        }
    }
    for (Py_ssize_t k = 0; k < nnz; k++) {
        if (columns[k] < 0 || columns[k] >= n_inner) {
            PyErr_SetString(PyExc_ValueError, "a column index is out of range");
            return -1;
        }
    }
    return 0;
}

static PyObject *
add_csr_product(PyObject *Py_UNUSED(module), PyObject *args, Py_ssize_t itemsize)
{
    Py_ssize_t n_rows, n_inner, n_columns;
    Py_buffer indptr, indices, data, A, out;
    if (!PyArg_ParseTuple(args, "nnny*y*y*y*w*:add_csr_product", &n_rows, &n_inner, &n_columns,
                          &indptr, &indices, &data, &A, &out))
        return NULL;
    int status = check_operands(n_rows, n_inner, n_columns, &indptr, &indices, &data, &A, &out,
                                itemsize);
    if (status == 0) {
        Py_BEGIN_ALLOW_THREADS
        if (itemsize == sizeof(float))
            float_product(n_rows, n_columns, indptr.buf, indices.buf, data.buf, A.buf, out.buf);
        else
            double_product(n_rows, n_columns, indptr.buf, indices.buf, data.buf, A.buf, out.buf);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&indptr);
    PyBuffer_Release(&indices);
    PyBuffer_Release(&data);
    PyBuffer_Release(&A);
    PyBuffer_Release(&out);
    if (status != 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
add_csr_product_float32(PyObject *module, PyObject *args)
{
    return add_csr_product(module, args, sizeof(float));
}

static PyObject *
add_csr_product_float64(PyObject *module, PyObject *args)
{
    return add_csr_product(module, args, sizeof(double));
}

#define PRODUCT_DOC(TYPE)                                                            \
    "add_csr_product_" TYPE "(n_rows, n_inner, n_columns, indptr, indices, data, A, out)\n" \
    "--\n\n"                                                                          \
    "out += W @ A for the CSR matrix W = (data, indices, indptr) of shape\n"          \
    "(n_rows, n_inner), " TYPE ", with int32 indices; A and out C-contiguous\n"        \
    "buffers of shapes (n_inner, n_columns) and (n_rows, n_columns)."

static PyMethodDef methods[] = {
    {"add_csr_product_float32", add_csr_product_float32, METH_VARARGS, PRODUCT_DOC("float32")},
    {"add_csr_product_float64", add_csr_product_float64, METH_VARARGS, PRODUCT_DOC("float64")},
    {NULL, NULL, 0, NULL},
};

/* The AVX2 copy where the processor has AVX2 and FMA, unless the environment
 * variable SKPRUNE_CSR_KERNEL is "baseline" (how the tests run the other). */
static int
choose_kernels(PyObject *module)
{
    const char *instructions = "baseline";
#if HAVE_AVX2_COPY
    const char *asked = getenv("SKPRUNE_CSR_KERNEL");
    __builtin_cpu_init();
    if (!(asked && strcmp(asked, "baseline") == 0)
        && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        float_product = add_product_float_avx2;
        double_product = add_product_double_avx2;
        instructions = "avx2";
    }
#endif
    return PyModule_AddStringConstant(module, "instructions", instructions);
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, choose_kernels},
    {0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_csr_kernel",
    .m_doc = "The CSR x dense product of sparse inference, strip by strip in registers.",
    .m_size = 0,
    .m_methods = methods,
    .m_slots = slots,
};

PyMODINIT_FUNC
PyInit__csr_kernel(void)
{
    return PyModuleDef_Init(&module_definition);
}
