import { createHash } from 'node:crypto';
import { SafeHtml } from '../render/html.ts';

/**
 * The offer page's only script, allowed by its hash in the CSP of the pages that carry it: as the
 * customer changes a count or picks a term, it updates the line's price and total, the totals, the
 * notes under them and which commitment clocks show, from what the server rendered (data-* attributes:
 * integer minor units, the currency, localised words with {count}/{amount} placeholders). The server
 * renders the same figures for the counts posted, so the page works without it; it changes no field.
 * Money as on the server: an integer of minor units turned into a decimal string, formatted by
 * Intl.NumberFormat in the page's language. Written without "<" so it can sit in a <script> element.
 */
export const LIVE_TOTALS_SCRIPT = `(()=>{
const d=document,f=d.querySelector('form[data-live-totals]'),cost=d.querySelector('.cost');
if(!f||!cost)return;
const lang=d.documentElement.lang,count=new Intl.NumberFormat(lang,{maximumFractionDigits:0}),formats={};
const money=(minor,currency)=>{
const m=formats[currency]||(formats[currency]=new Intl.NumberFormat(lang,{style:'currency',currency}));
const digits=m.resolvedOptions().maximumFractionDigits,s=String(minor).padStart(digits+1,'0');
return m.format(digits?s.slice(0,-digits)+'.'+s.slice(-digits):s)};
const show=(el,on)=>{if(el)el.hidden=!on};
const update=()=>{
let month=0,currency='',priced=0,invalid=false,partial=false,monthlyTerm=false;const terms=new Set();
for(const line of f.querySelectorAll('.line')){
const input=line.querySelector('input[type=number]'),p=line.querySelector('.price');
const o=line.querySelector('input[type=radio]:checked')||p,v=o.dataset;terms.add(v.term);
if(!v.minor){p.className='price unpriced';p.textContent=cost.dataset.unpriced;partial=true;continue}
priced++;currency=v.currency;if(v.term==='P1M')monthlyTerm=true;
p.className='price';p.textContent=v.unit;
const raw=input.value,n=Number(raw);
if(!/^[0-9]{1,9}$/.test(raw)||Number(input.min)>n||n>Number(input.max)){invalid=true;continue}
const perMonth=Number(v.minor)*n,total=d.createElement('span');total.className='line-total';
total.textContent=(n===1?v.one:v.other).replace('{count}',count.format(n)).replace('{amount}',money(perMonth*Number(v.months),currency));
p.append(d.createElement('br'),total);month+=perMonth}
show(cost,priced>0);show(cost.querySelector('.totals'),priced>0&&!invalid);show(cost.querySelector('.totals-invalid'),invalid);
show(cost.querySelector('.totals-partial'),partial);show(cost.querySelector('.totals-monthly-term'),monthlyTerm&&!invalid);
if(priced>0&&!invalid){cost.querySelector('.total-month').textContent=money(month,currency);cost.querySelector('.total-year').textContent=money(month*12,currency)}
for(const li of d.querySelectorAll('.commitment li[data-term]'))show(li,terms.has(li.dataset.term))};
f.addEventListener('input',update);f.addEventListener('change',update);update()})();`;

export const LIVE_TOTALS_SCRIPT_HASH = createHash('sha256').update(LIVE_TOTALS_SCRIPT).digest('base64');

const ELEMENT = `<script>${LIVE_TOTALS_SCRIPT}</script>`;

/** The script element, for the end of the offer page's body. */
export function liveTotalsScript(): SafeHtml {
  return new SafeHtml(ELEMENT);
}

/**
 * Whether a rendered page carries the script (its CSP then allows it by hash). Every outside string
 * on a page is escaped, so only the page's own markup can hold a `<script>` element.
 */
export function carriesLiveTotals(body: string): boolean {
  return body.includes(ELEMENT);
}
