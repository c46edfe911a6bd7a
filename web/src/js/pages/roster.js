// roster: a post's or a person's calendar over the planning horizon, uncovered shifts and
// forced rests highlighted, "explain" on a cell. Rotation has no roster route on the gateway
// yet (rotation.roster_show, rotation.explain): until it has, the page says so and shows no
// invented data.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { has } from '../api.js';
import { unavailable } from '../ui.js';

export const OPS = ['rotation.roster_show', 'rotation.explain'];

export async function render(el) {
  el.append(h('h1', {}, t('roster_title')));
  const missing = OPS.filter((op) => !has(op));
  if (missing.length) {
    for (const op of missing) el.append(unavailable(op));
    el.append(h('div', { class: 'card legend', 'aria-label': t('roster_legend') },
      h('span', { class: 'cell-uncovered' }, t('roster_uncovered')), ' ',
      h('span', { class: 'cell-rest' }, t('roster_rest'))));
    return;
  }
  // the routes exist but their messages were not in proto/fc/v1 when this page was written:
  // say so rather than guess at fields
  el.append(h('section', { class: 'state', 'data-state': 'unavailable' }, h('p', {}, t('unavailable'))));
}
