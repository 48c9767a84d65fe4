/**
 * The caption an exported figure carries, so the figure names its run: dataset, network, epochs,
 * replicas, seed, estimator, adapter and the link that reproduces it (wrapped to lines of at most
 * `width` characters).
 *
 *   runCaption(config, 'google / swiftshader', 'https://…#v=1&epochs=20')
 *     → ['Dataset bits12 · network 10-7-5-4-3 (binary weights, ste_sign) · 20 epochs · 4 replicas · seed 1',
 *        'Estimator: binary layers by their exact sign codes; float layers fixed, 30 bins over [-1, 1] · full set · adapter google / swiftshader',
 *        'Link: https://…#v=1&epochs=20']
 */
import type { RunConfig } from '../config/run-config.ts';

export function network(c: RunConfig): string {
  const h = c.network.hidden;
  if (!h.length) return 'no hidden layer';
  const weights = [...new Set(h.map((l) => l.weights))];
  const acts = [...new Set(h.map((l) => l.activation))];
  return `${h.map((l) => l.width).join('-')} (${weights.length > 1 ? 'mixed' : weights[0]} weights, ${acts.join('/')}${h.some((l) => l.batchNorm) ? ', batch norm' : ''})`;
}

function estimator(c: RunConfig): string {
  const e = c.estimator;
  const floats =
    e.discretization === 'fixed'
      ? `fixed, ${e.bins} bins over [${e.lo}, ${e.hi}]`
      : e.discretization === 'width'
        ? `bin width ${e.width}`
        : `adaptive, ${e.bins} bins`;
  const extra = `${e.millerMadow ? ', Miller–Madow' : ''}${e.kde ? `, KDE bound (variance ${e.kdeVariance})` : ''}`;
  return `binary layers by their exact sign codes; float layers ${floats}${extra} · ${e.set} set`;
}

/** The figure's title: the dataset and the network. */
export function runTitle(config: RunConfig): string {
  return `bitplane · ${config.data.name} · ${network(config)}`;
}

/** Splits `text` into pieces of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out.length ? out : [''];
}

export function runCaption(config: RunConfig, adapter: string, link: string, width = 150): string[] {
  return [
    `Dataset ${config.data.name} · network ${network(config)} · ${config.epochs} epochs · ${config.replicas} replicas · seed ${config.seed}`,
    `Estimator: ${estimator(config)} · adapter ${adapter || 'unknown'}`,
    ...wrap(`Link: ${link}`, width),
  ];
}
