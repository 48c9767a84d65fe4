/**
 * The peer of our float GEMM: TensorFlow.js's WebGPU backend (`tf.matMul`), on our own GPUDevice, so it
 * runs on the same adapter and queue and is timed by the same GPU timestamps as our kernels. Loaded on
 * demand (a dynamic import: the app's bundle does not carry it until the benchmark asks for it); nothing
 * is fetched at run time.
 *
 * Its spans are bracketed by our timestamp markers around its own submits, so they also count any time
 * the GPU waits while its JavaScript records the work (what a caller of tf.matMul waits for too): at
 * tiny sizes that dominates; for products of milliseconds and more it is noise.
 *
 * The backend package registers itself only where `navigator.gpu` exists, and its factory would request
 * an adapter of its own: we replace that factory with one that wraps our device. In Node (Dawn) there is
 * no `navigator`; we give it one whose `gpu` refuses to hand out adapters, since ours is the only device
 * TensorFlow.js is given.
 */
import type { Gpu } from '../gpu/device.ts';
import type { GemmInputs } from '../kernels/gemm/spec.ts';

export interface TfjsMatmul {
  /** Records `iters` products through TensorFlow.js and submits them (its own command buffers). */
  run(iters: number): void;
  /** The last product `run` computed, read back. */
  read(): Promise<Float32Array>;
  dispose(): void;
}

export interface TfjsPeer {
  /** '@tensorflow/tfjs-backend-webgpu 4.22.0' */
  name: string;
  version: string;
  matmul(inputs: GemmInputs): TfjsMatmul;
  dispose(): void;
}

function ensureNavigatorGpu(): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  const refuse = {
    requestAdapter: () =>
      Promise.reject(new Error('bitplane gives TensorFlow.js its own GPUDevice; no adapter is handed out')),
    getPreferredCanvasFormat: () => 'rgba8unorm',
    wgslLanguageFeatures: new Set<string>(),
  };
  if (!g.navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(g.navigator, 'gpu', { value: refuse, configurable: true });
}

export async function loadTfjsPeer(gpu: Gpu): Promise<TfjsPeer> {
  ensureNavigatorGpu();
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const info = {
    vendor: gpu.adapter.vendor,
    architecture: gpu.adapter.architecture,
    device: gpu.adapter.device,
    description: gpu.adapter.description,
  } as GPUAdapterInfo;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(gpu.device, info), 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js could not start its WebGPU backend');
  // Inputs stay on the GPU: no handing small operands to the CPU.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const backend = tf.backend() as InstanceType<typeof WebGPUBackend>;
  const flush = () => {
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
  };
  const version = tf.version_core;
  return {
    name: `@tensorflow/tfjs-backend-webgpu ${version}`,
    version,
    matmul({ M, N, K, a: xa, b: xb }) {
      const a = tf.tensor2d(xa, [M, K], 'float32');
      const b = tf.tensor2d(xb, [K, N], 'float32');
      let last: ReturnType<typeof tf.matMul> | undefined;
      return {
        run(iters) {
          for (let i = 0; i < iters; i++) {
            last?.dispose();
            last = tf.matMul(a, b);
          }
          flush();
        },
        async read() {
          if (!last) throw new Error('tf.matMul: nothing was run yet');
          return (await last.data()) as Float32Array;
        },
        dispose() {
          last?.dispose();
          a.dispose();
          b.dispose();
        },
      };
    },
    dispose() {
      tf.removeBackend('webgpu');
    },
  };
}
