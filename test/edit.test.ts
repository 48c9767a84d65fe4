/**
 * The controls' messages and links (src/view/edit.ts, src/view/open-link.ts): a rejected edit names
 * its field as the controls do ("layer 1 width", not "network.hidden.0.width") in plain words, and a
 * link from another link version is refused whole.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/run-config.ts';
import { serializeLink } from '../src/run/link.ts';
import { editConfig, fieldLabel, issueText, plainMessage } from '../src/view/edit.ts';
import { openLink } from '../src/view/open-link.ts';

describe('messages', () => {
  it('names fields as the controls do, layers counted from 1', () => {
    expect(fieldLabel('network.hidden.0.width')).toBe('layer 1 width');
    expect(fieldLabel('network.hidden.4.activation')).toBe('layer 5 activation');
    expect(fieldLabel('network.hidden')).toBe('layers');
    expect(fieldLabel('optimizer.lr')).toBe('optimizer lr');
    expect(fieldLabel('data.samples')).toBe('samples');
    expect(fieldLabel('epochs')).toBe('epochs');
  });

  it('says what the schema rejected in plain words, for the edits a user makes', () => {
    const c = defaultConfig();
    const text = (path: (string | number)[], v: unknown) => editConfig(c, path, v).issues.map(issueText);
    expect(text(['network', 'hidden', 0, 'width'], 0)).toEqual(['layer 1 width must be ≥ 1']);
    expect(text(['network', 'hidden', 2, 'width'], 1e6)).toEqual(['layer 3 width must be ≤ 16384']);
    expect(text(['optimizer', 'lr'], -1)).toEqual(['optimizer lr must be > 0']);
    expect(text(['epochs'], 1.5)).toEqual(['epochs must be a whole number']);
    expect(text(['replicas'], 1e5)).toEqual(['replicas must be ≤ 256']);
    for (const t of [...text(['network', 'hidden', 0, 'width'], 0), ...text(['data', 'samples'], 0)])
      expect(t).not.toMatch(/network\.|hidden\.\d|Too (small|big)|expected/);
    // Other messages pass through unchanged.
    expect(plainMessage('"fast" is not a number')).toBe('"fast" is not a number');
  });
});

describe('openLink', () => {
  it('applies a link of this version field by field', () => {
    const r = openLink('v=1&epochs=5&lr=fast');
    expect(r.refused).toBe(false);
    expect(r.config?.epochs).toBe(5);
    expect(r.issues.map((i) => i.key)).toEqual(['lr']);
  });

  it('refuses a link of another version whole: no configuration, only the version issue', () => {
    const r = openLink('v=99&epochs=5&lr=fast');
    expect(r.refused).toBe(true);
    expect(r.config).toBeNull();
    expect(r.issues.map((i) => i.key)).toEqual(['v']);
    expect(r.issues[0].message).toMatch(/version 99/);
  });

  it('opens a link without a version as this version (links as the app writes them)', () => {
    const r = openLink(serializeLink({ ...defaultConfig(), epochs: 7 }).replace(/^v=1&?/, ''));
    expect(r.refused).toBe(false);
    expect(r.config?.epochs).toBe(7);
  });
});
