import type { Kernel } from '../../kernel/index.js';
import { organizationOf, RESOURCE_FORMATS, downloadUrl, type CkanOrganization } from './ckan.js';
import { FREQUENCIES, type Frequency, LICENCES, type LicenceId } from './datasets.js';
import * as repo from './opendata.repo.js';

/**
 * DCAT-AP for the catalogue and each dataset, as JSON-LD and Turtle from one
 * graph, so the two never disagree. Harvesters (the national open-data
 * portal, data.europa.eu-style tools) read either.
 */

export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
} as const;

type Term = { iri: string } | { value: string; lang?: string; datatype?: string };
interface Node {
  id: string;
  types: string[];
  props: [string, Term[]][];
}

const EU = 'http://publications.europa.eu/resource/authority';
const lit = (value: string, lang?: string): Term => ({ value, ...(lang ? { lang } : {}) });
const dateTime = (d: Date): Term => ({ value: d.toISOString(), datatype: 'xsd:dateTime' });
const iri = (s: string): Term => ({ iri: s });

function orgNode(k: Kernel, o: CkanOrganization): Node {
  return { id: `${k.config.publicUrl}/du-lieu-mo?to_chuc=${o.name}`, types: ['foaf:Organization', 'foaf:Agent'], props: [['foaf:name', [lit(o.title, 'vi')]]] };
}

function datasetNodes(k: Kernel, d: repo.DatasetRow, o: CkanOrganization): Node[] {
  const base = `${k.config.publicUrl}/du-lieu-mo/${d.id}`;
  const licence = LICENCES[d.licence_id as LicenceId];
  const dists: Node[] = RESOURCE_FORMATS.map((f) => ({
    id: `${base}#${f.key}`,
    types: ['dcat:Distribution'],
    props: [
      ['dct:title', [lit(`${d.title} (${f.format})`, 'vi')]],
      ['dcat:accessURL', [iri(base)]],
      ['dcat:downloadURL', [iri(downloadUrl(k, d.id, f.key))]],
      ['dcat:mediaType', [iri(`http://www.iana.org/assignments/media-types/${f.mimetype}`)]],
      ['dct:format', [iri(`${EU}/file-type/${f.format}`)]],
      ['dct:license', [iri(licence?.url ?? d.licence_id)]],
      ['dct:modified', [dateTime(d.modified_at)]],
    ],
  }));
  const dataset: Node = {
    id: base,
    types: ['dcat:Dataset'],
    props: [
      ['dct:identifier', [lit(d.id)]],
      ['dct:title', [lit(d.title, 'vi'), lit(d.title_en, 'en')]],
      ['dct:description', [lit(d.notes, 'vi'), lit(d.notes_en, 'en')]],
      ['dcat:keyword', d.tags.map((t) => lit(t, 'vi'))],
      ['dct:publisher', [iri(orgNode(k, o).id)]],
      ['dcat:contactPoint', [iri(`${base}#contact`)]],
      ['dct:accrualPeriodicity', [iri(`${EU}/frequency/${FREQUENCIES[d.frequency as Frequency]?.eu ?? 'UNKNOWN'}`)]],
      ['dct:language', [iri(`${EU}/language/VIE`)]],
      ['dct:issued', [dateTime(d.created_at)]],
      ['dct:modified', [dateTime(d.modified_at)]],
      ['dcat:landingPage', [iri(base)]],
      ['dct:accessRights', [iri(`${EU}/access-right/PUBLIC`)]],
      ['dcat:distribution', dists.map((x) => iri(x.id))],
    ],
  };
  const contact: Node = { id: `${base}#contact`, types: ['vcard:Organization'], props: [['vcard:fn', [lit(o.title, 'vi')]]] };
  return [dataset, contact, ...dists];
}

export async function catalogueGraph(k: Kernel, only?: string): Promise<Node[]> {
  const all = await repo.datasets(k.db);
  const list = only ? all.filter((d) => d.id === only) : all;
  const cache = new Map<string, CkanOrganization>();
  const nodes: Node[] = [];
  const orgs = new Map<string, Node>();
  for (const d of list) {
    const o = await organizationOf(k, d.publisher, cache);
    orgs.set(o.name, orgNode(k, o));
    nodes.push(...datasetNodes(k, d, o));
  }
  if (!only) {
    const modified = all.reduce<Date | null>((m, d) => (!m || d.modified_at > m ? d.modified_at : m), null);
    nodes.unshift({
      id: `${k.config.publicUrl}/dcat/catalog`,
      types: ['dcat:Catalog'],
      props: [
        ['dct:title', [lit('Dữ liệu mở tỉnh Ninh Bình', 'vi'), lit('Ninh Binh province open data', 'en')]],
        ['dct:description', [lit('Danh mục dữ liệu mở do các cơ quan của tỉnh công bố, sinh tự động từ dữ liệu đang vận hành.', 'vi')]],
        ['foaf:homepage', [iri(`${k.config.publicUrl}/du-lieu-mo`)]],
        ['dct:language', [iri(`${EU}/language/VIE`)]],
        ['dct:license', [iri(LICENCES['CC-BY-4.0'].url)]],
        ['dct:publisher', [iri(`${k.config.publicUrl}/du-lieu-mo?to_chuc=ubnd`)]],
        ...(modified ? [['dct:modified', [dateTime(modified)]] as [string, Term[]]] : []),
        ['dcat:dataset', list.map((d) => iri(`${k.config.publicUrl}/du-lieu-mo/${d.id}`))],
      ],
    });
    const ubnd = await organizationOf(k, 'UBND', cache);
    orgs.set(ubnd.name, orgNode(k, ubnd));
  }
  return [...nodes, ...orgs.values()];
}

// ——— JSON-LD ———

export function toJsonLd(nodes: Node[]): object {
  const term = (t: Term) => ('iri' in t ? { '@id': t.iri } : { '@value': t.value, ...(t.lang ? { '@language': t.lang } : {}), ...(t.datatype ? { '@type': t.datatype } : {}) });
  return {
    '@context': PREFIXES,
    '@graph': nodes.map((n) => ({
      '@id': n.id,
      '@type': n.types.length === 1 ? n.types[0] : n.types,
      ...Object.fromEntries(n.props.filter(([, v]) => v.length).map(([p, v]) => [p, v.length === 1 ? term(v[0]!) : v.map(term)])),
    })),
  };
}

// ——— Turtle ———

/** An IRI reference: characters Turtle forbids inside <> are percent-encoded. */
const turtleIri = (s: string) => `<${s.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>`;
const turtleString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

export function toTurtle(nodes: Node[]): string {
  const out = Object.entries(PREFIXES).map(([p, u]) => `@prefix ${p}: <${u}> .`);
  out.push('');
  for (const n of nodes) {
    const lines = [`${turtleIri(n.id)} a ${n.types.join(', ')}`];
    for (const [p, values] of n.props) {
      if (!values.length) continue;
      const objs = values.map((t) => ('iri' in t ? turtleIri(t.iri) : `${turtleString(t.value)}${t.lang ? `@${t.lang}` : t.datatype ? `^^${t.datatype}` : ''}`));
      lines.push(`    ${p} ${objs.join(', ')}`);
    }
    out.push(`${lines.join(' ;\n')} .`, '');
  }
  return out.join('\n');
}
