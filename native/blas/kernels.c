// Latent Lab's native kernels over the tfjs wasm backend's heap. Each function takes the heap as a
// Uint8Array (the backend's HEAPU8) and tensors as byte offsets into it, so no data is copied in or
// out; every range is checked against the heap before it is touched.
#include <cblas.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint8_t* base;
  size_t length;
} Heap;

static int heap_of(napi_env env, napi_value value, Heap* heap) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &heap->length, (void**)&heap->base, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "the heap must be a Uint8Array");
    return 0;
  }
  return 1;
}

// Reads exactly `count` arguments into argv, the first being the heap; 0 (with an error thrown) otherwise.
static int arguments_of(napi_env env, napi_callback_info info, const char* name, size_t count, napi_value* argv, Heap* heap) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != count) {
    char message[64];
    snprintf(message, sizeof message, "%s takes %zu arguments", name, count);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  return heap_of(env, argv[0], heap);
}

static double number(napi_env env, napi_value value) {
  double result = NAN;
  napi_get_value_double(env, value, &result);
  return result;
}

// The float array of `count` floats at byte `offset`, or NULL (with a thrown RangeError) when it leaves the heap.
static float* floats(napi_env env, const Heap* heap, double offset, double count) {
  if (!(offset >= 0 && count >= 0) || ((uint64_t)offset & 3) != 0 || offset + 4 * count > (double)heap->length) {
    napi_throw_range_error(env, NULL, "a tensor lies outside the wasm heap");
    return NULL;
  }
  return (float*)(heap->base + (size_t)offset);
}

// sgemm(heap, batch, a, aStride, b, bStride, c, m, n, k, transposeA, transposeB):
// for each of `batch` items, c = op(a) op(b) with row-major [m, k] x [k, n] -> [m, n];
// strides are in floats between consecutive items (0 repeats one matrix for every item).
static napi_value sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  Heap heap;
  if (!arguments_of(env, info, "sgemm", 12, argv, &heap)) return NULL;
  const int batch = (int)number(env, argv[1]);
  const double aStride = number(env, argv[3]), bStride = number(env, argv[5]);
  const int m = (int)number(env, argv[7]), n = (int)number(env, argv[8]), k = (int)number(env, argv[9]);
  const int transposeA = number(env, argv[10]) != 0, transposeB = number(env, argv[11]) != 0;
  if (batch < 1 || m < 1 || n < 1 || k < 1) {
    napi_throw_range_error(env, NULL, "sgemm: empty shape");
    return NULL;
  }
  float* a = floats(env, &heap, number(env, argv[2]), aStride * (batch - 1) + (double)m * k);
  float* b = a ? floats(env, &heap, number(env, argv[4]), bStride * (batch - 1) + (double)k * n) : NULL;
  float* c = b ? floats(env, &heap, number(env, argv[6]), (double)batch * m * n) : NULL;
  if (!c) return NULL;
  for (int item = 0; item < batch; item++) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f,
                a + (size_t)(aStride * item), transposeA ? m : k, b + (size_t)(bStride * item), transposeB ? k : n, 0.0f,
                c + (size_t)item * m * n, n);
  }
  return NULL;
}

// adam(heap, x, gradient, m, v, xOut, mOut, vOut, size, learningRate, beta1, beta2, epsilon, correction1, correction2):
// one Adam step of a variable (the same arithmetic as engine/backends/wasm/adam-update.ts).
static napi_value adam(napi_env env, napi_callback_info info) {
  napi_value argv[15];
  Heap heap;
  if (!arguments_of(env, info, "adam", 15, argv, &heap)) return NULL;
  const double size = number(env, argv[8]);
  float* arrays[7];
  for (int i = 0; i < 7; i++) {
    arrays[i] = floats(env, &heap, number(env, argv[1 + i]), size);
    if (!arrays[i]) return NULL;
  }
  const float* restrict x = arrays[0];
  const float* restrict g = arrays[1];
  const float* restrict m = arrays[2];
  const float* restrict v = arrays[3];
  float* restrict xOut = arrays[4];
  float* restrict mOut = arrays[5];
  float* restrict vOut = arrays[6];
  // Coefficients in double, then rounded once: 1 - 0.999f is 0.00100005, 5e-5 off in float.
  const double beta1 = number(env, argv[10]), beta2 = number(env, argv[11]);
  const float keep1 = (float)beta1, take1 = (float)(1 - beta1), keep2 = (float)beta2, take2 = (float)(1 - beta2);
  const float epsilon = (float)number(env, argv[12]);
  const float stepScale = (float)(number(env, argv[9]) / number(env, argv[13]));
  const float inverseRootCorrection2 = (float)(1 / sqrt(number(env, argv[14])));
  for (size_t i = 0; i < (size_t)size; i++) {
    const float mi = keep1 * m[i] + take1 * g[i];
    const float vi = keep2 * v[i] + take2 * g[i] * g[i];
    mOut[i] = mi;
    vOut[i] = vi;
    xOut[i] = x[i] - (stepScale * mi) / (sqrtf(vi) * inverseRootCorrection2 + epsilon);
  }
  return NULL;
}

// columnSums(heap, x, rows, columns, out, scale): out[j] = scale * sum_i x[i, j] of a row-major [rows, columns] matrix.
static napi_value column_sums(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Heap heap;
  if (!arguments_of(env, info, "columnSums", 6, argv, &heap)) return NULL;
  const size_t rows = (size_t)number(env, argv[2]), columns = (size_t)number(env, argv[3]);
  const float* x = floats(env, &heap, number(env, argv[1]), (double)rows * columns);
  float* out = x ? floats(env, &heap, number(env, argv[4]), (double)columns) : NULL;
  if (!out) return NULL;
  // Double accumulators: a batch-norm statistic sums 10^5 values per channel.
  double* sums = calloc(columns, sizeof(double));
  if (!sums) {
    napi_throw_error(env, NULL, "columnSums: out of memory");
    return NULL;
  }
  for (size_t row = 0; row < rows; row++) {
    const float* line = x + row * columns;
    for (size_t column = 0; column < columns; column++) sums[column] += line[column];
  }
  const double scale = number(env, argv[5]);
  for (size_t column = 0; column < columns; column++) out[column] = (float)(sums[column] * scale);
  free(sums);
  return NULL;
}

// A conv's shape, as tfjs's computeConv2DInfo gives it (NHWC, dilation 1).
typedef struct {
  size_t batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth;
  long strideHeight, strideWidth, padTop, padLeft;
} Conv;

static int conv_of(napi_env env, napi_value value, Conv* conv) {
  double fields[13];
  for (uint32_t i = 0; i < 13; i++) {
    napi_value element;
    if (napi_get_element(env, value, i, &element) != napi_ok || !((fields[i] = number(env, element)) >= 0)) {
      napi_throw_type_error(env, NULL, "a conv's geometry is 13 non-negative numbers");
      return 0;
    }
  }
  *conv = (Conv){(size_t)fields[0], (size_t)fields[1], (size_t)fields[2], (size_t)fields[3], (size_t)fields[4], (size_t)fields[5],
                 (size_t)fields[6], (size_t)fields[7], (size_t)fields[8], (long)fields[9], (long)fields[10], (long)fields[11], (long)fields[12]};
  return 1;
}

// Rows of output positions handled at once: their patches (rows x filter values) stay within about 1 MB.
static size_t chunk_rows(const Conv* c) {
  const size_t patch = c->filterHeight * c->filterWidth * c->inChannels;
  const size_t rows = (1u << 18) / patch;
  return rows < 16 ? 16 : rows;
}

// Where each filter tap of output position `row` reads: the input pixel's offset in floats, or -1 in the padding.
static void taps_of(const Conv* c, size_t row, long* taps) {
  const size_t n = row / (c->outHeight * c->outWidth), at = row % (c->outHeight * c->outWidth);
  const long oy = (long)(at / c->outWidth), ox = (long)(at % c->outWidth);
  for (size_t fy = 0; fy < c->filterHeight; fy++) {
    const long iy = oy * c->strideHeight + (long)fy - c->padTop;
    for (size_t fx = 0; fx < c->filterWidth; fx++) {
      const long ix = ox * c->strideWidth + (long)fx - c->padLeft;
      const int inside = iy >= 0 && iy < (long)c->inHeight && ix >= 0 && ix < (long)c->inWidth;
      *taps++ = inside ? (long)(((n * c->inHeight + (size_t)iy) * c->inWidth + (size_t)ix) * c->inChannels) : -1;
    }
  }
}

typedef enum { FILTER_GRADIENT, INPUT_GRADIENT } Gradient;

// One thread's share of a conv gradient: the output positions of images [firstImage, endImage).
typedef struct {
  const Conv* c;
  Gradient gradient;
  const float* a;  // x for the filter gradient, dy for the input gradient
  const float* b;  // dy, or w
  float* out;      // a dw of its own, or the shared dx (where only its images' pixels are written)
  size_t firstImage, endImage;
  int failed;
} Share;

// dw[fy, fx, c, o] = sum over n, oy, ox of x[n, oy*sh + fy - top, ox*sw + fx - left, c] * dy[n, oy, ox, o]:
// patches^T dy, a chunk of patches at a time.
static void filter_gradient(const Share* s, size_t begin, size_t end, float* patches, size_t chunk, long* taps) {
  const Conv* c = s->c;
  const size_t patch = c->filterHeight * c->filterWidth * c->inChannels;
  memset(s->out, 0, patch * c->outChannels * sizeof(float));
  for (size_t first = begin; first < end; first += chunk) {
    const size_t count = end - first < chunk ? end - first : chunk;
    for (size_t r = 0; r < count; r++) {
      taps_of(c, first + r, taps);
      for (size_t t = 0; t < c->filterHeight * c->filterWidth; t++) {
        float* segment = patches + r * patch + t * c->inChannels;
        for (size_t k = 0; k < c->inChannels; k++) segment[k] = taps[t] < 0 ? 0.0f : s->a[taps[t] + k];
      }
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)patch, (int)c->outChannels, (int)count, 1.0f, patches, (int)patch,
                s->b + first * c->outChannels, (int)c->outChannels, 1.0f, s->out, (int)c->outChannels);
  }
}

// dx, the conv's transpose applied to dy: each output position's dy row times w^T gives its patch's
// gradient (a chunk of positions at a time), added back into the input pixels the patch read.
static void input_gradient(const Share* s, size_t begin, size_t end, float* patches, size_t chunk, long* taps) {
  const Conv* c = s->c;
  const size_t patch = c->filterHeight * c->filterWidth * c->inChannels;
  const size_t pixels = c->inHeight * c->inWidth * c->inChannels;
  memset(s->out + s->firstImage * pixels, 0, (s->endImage - s->firstImage) * pixels * sizeof(float));
  for (size_t first = begin; first < end; first += chunk) {
    const size_t count = end - first < chunk ? end - first : chunk;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)count, (int)patch, (int)c->outChannels, 1.0f,
                s->a + first * c->outChannels, (int)c->outChannels, s->b, (int)c->outChannels, 0.0f, patches, (int)patch);
    for (size_t r = 0; r < count; r++) {
      taps_of(c, first + r, taps);
      for (size_t t = 0; t < c->filterHeight * c->filterWidth; t++) {
        if (taps[t] < 0) continue;
        const float* segment = patches + r * patch + t * c->inChannels;
        for (size_t k = 0; k < c->inChannels; k++) s->out[taps[t] + k] += segment[k];
      }
    }
  }
}

static void* compute_share(void* argument) {
  Share* s = argument;
  const Conv* c = s->c;
  const size_t chunk = chunk_rows(c), positions = c->outHeight * c->outWidth;
  float* patches = malloc(chunk * c->filterHeight * c->filterWidth * c->inChannels * sizeof(float));
  long* taps = malloc(c->filterHeight * c->filterWidth * sizeof(long));
  if (patches && taps) {
    const size_t begin = s->firstImage * positions, end = s->endImage * positions;
    if (s->gradient == FILTER_GRADIENT) filter_gradient(s, begin, end, patches, chunk, taps);
    else input_gradient(s, begin, end, patches, chunk, taps);
  } else {
    s->failed = 1;
  }
  free(patches);
  free(taps);
  return NULL;
}

#define MAX_SHARES 64

// convBackpropFilter(heap, x, dy, dw, geometry, threads) and convBackpropInput(heap, dy, w, dx, geometry, threads):
// the batch's images split among `threads` threads (each calls OpenBLAS on one thread; the threads end
// with the call, so none spins beside XNNPACK's pool afterwards). Each filter-gradient share sums into
// a dw of its own, added up in a fixed order, so a thread count always gives the same result.
static napi_value conv_backprop(napi_env env, napi_callback_info info, Gradient gradient) {
  napi_value argv[6];
  Heap heap;
  Conv c;
  const char* name = gradient == FILTER_GRADIENT ? "convBackpropFilter" : "convBackpropInput";
  if (!arguments_of(env, info, name, 6, argv, &heap) || !conv_of(env, argv[4], &c)) return NULL;
  const double pixels = (double)c.batch * c.inHeight * c.inWidth * c.inChannels;
  const double outputs = (double)c.batch * c.outHeight * c.outWidth * c.outChannels;
  const size_t weights = c.filterHeight * c.filterWidth * c.inChannels * c.outChannels;
  const double sizes[2][3] = {{pixels, outputs, (double)weights}, {outputs, (double)weights, pixels}};
  float* tensors[3];
  for (int i = 0; i < 3; i++) {
    tensors[i] = floats(env, &heap, number(env, argv[1 + i]), sizes[gradient][i]);
    if (!tensors[i]) return NULL;
  }
  const double requested = number(env, argv[5]);
  size_t count = requested >= 1 ? (size_t)requested : 1;
  if (count > c.batch) count = c.batch > 0 ? c.batch : 1;
  if (count > MAX_SHARES) count = MAX_SHARES;
  float* partials = gradient == FILTER_GRADIENT && count > 1 ? malloc((count - 1) * weights * sizeof(float)) : NULL;
  if (gradient == FILTER_GRADIENT && count > 1 && !partials) count = 1;
  Share shares[MAX_SHARES];
  pthread_t threads[MAX_SHARES];
  int started[MAX_SHARES] = {0};
  for (size_t t = 0; t < count; t++) {
    float* out = gradient == INPUT_GRADIENT ? tensors[2] : t == 0 ? tensors[2] : partials + (t - 1) * weights;
    shares[t] = (Share){&c, gradient, tensors[0], tensors[1], out, c.batch * t / count, c.batch * (t + 1) / count, 0};
    if (t > 0) started[t] = pthread_create(&threads[t], NULL, compute_share, &shares[t]) == 0;
  }
  int failed = 0;
  for (size_t t = 0; t < count; t++) {
    if (t == 0 || !started[t]) compute_share(&shares[t]);
    else pthread_join(threads[t], NULL);
    failed |= shares[t].failed;
  }
  for (size_t t = 1; t < count && gradient == FILTER_GRADIENT; t++) {
    const float* partial = partials + (t - 1) * weights;
    for (size_t i = 0; i < weights; i++) tensors[2][i] += partial[i];
  }
  free(partials);
  if (failed) napi_throw_error(env, NULL, "conv gradient: out of memory");
  return NULL;
}

static napi_value conv_backprop_filter(napi_env env, napi_callback_info info) {
  return conv_backprop(env, info, FILTER_GRADIENT);
}

static napi_value conv_backprop_input(napi_env env, napi_callback_info info) {
  return conv_backprop(env, info, INPUT_GRADIENT);
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const double threads = argc == 1 ? number(env, argv[0]) : NAN;
  if (!(threads >= 1)) {
    napi_throw_range_error(env, NULL, "setThreads takes a positive thread count");
    return NULL;
  }
  openblas_set_num_threads((int)threads);
  return NULL;
}

static napi_value config(napi_env env, napi_callback_info info) {
  napi_value result;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &result);
  return result;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_enumerable, NULL},
      {"columnSums", NULL, column_sums, NULL, NULL, NULL, napi_enumerable, NULL},
      {"convBackpropFilter", NULL, conv_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"convBackpropInput", NULL, conv_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
