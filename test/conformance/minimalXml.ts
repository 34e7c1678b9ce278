/**
 * A small, strict XML 1.0 well-formedness parser for the JUnit tests (no XML library is a
 * dependency, and xmllint is not on every machine): elements, attributes, character and entity
 * references, comments and the declaration. Throws on anything a CI parser would reject.
 */
export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string };

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

export function parseXml(source: string): XmlElement {
  if (!XML_CHAR.test(source)) throw new Error("a character XML 1.0 does not allow");
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${pos}: ${JSON.stringify(source.slice(pos, pos + 40))}`);
  };
  const skipMisc = () => {
    for (;;) {
      const before = pos;
      while (/\s/.test(source[pos] ?? "")) pos++;
      if (source.startsWith("<!--", pos)) {
        const end = source.indexOf("-->", pos + 4);
        if (end < 0 || source.slice(pos + 4, end).includes("--")) fail("bad comment");
        pos = end + 3;
      }
      if (pos === before) return;
    }
  };
  const decode = (raw: string, inAttribute: boolean): string => {
    if (raw.includes("<")) fail("raw < in text or attribute");
    if (!inAttribute && raw.includes("]]>")) fail("]]> in text");
    return raw.replace(/&([^;]*);|&/g, (match, ref: string | undefined) => {
      if (ref === undefined) return fail("bare &");
      if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
      if (/^#x[0-9a-fA-F]+$/.test(ref)) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      return ENTITIES[ref] ?? fail(`unknown entity &${ref};`);
    });
  };
  const element = (): XmlElement => {
    if (source[pos] !== "<") fail("expected <");
    pos++;
    const name = NAME.exec(source.slice(pos))?.[0] ?? fail("bad element name");
    pos += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const spaced = /^\s+/.exec(source.slice(pos))?.[0].length ?? 0;
      pos += spaced;
      if (source.startsWith("/>", pos)) {
        pos += 2;
        return { name, attributes, children: [], text: "" };
      }
      if (source[pos] === ">") {
        pos++;
        break;
      }
      if (spaced === 0) fail("attributes must be separated by white space");
      const attribute = NAME.exec(source.slice(pos))?.[0] ?? fail("bad attribute name");
      pos += attribute.length;
      const eq = /^\s*=\s*/.exec(source.slice(pos)) ?? fail("expected =");
      pos += eq[0].length;
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail("attribute value must be quoted");
      const end = source.indexOf(quote!, pos + 1);
      if (end < 0) fail("unterminated attribute value");
      if (attribute in attributes) fail(`duplicate attribute ${attribute}`);
      attributes[attribute] = decode(source.slice(pos + 1, end), true);
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    let text = "";
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) fail(`unclosed <${name}>`);
      text += decode(source.slice(pos, next), false);
      pos = next;
      if (source.startsWith("</", pos)) {
        pos += 2;
        const closing = NAME.exec(source.slice(pos))?.[0];
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        pos += name.length;
        while (/\s/.test(source[pos] ?? "")) pos++;
        if (source[pos] !== ">") fail("expected > after the closing tag");
        pos++;
        return { name, attributes, children, text };
      }
      if (source.startsWith("<!--", pos)) skipMisc();
      else if (source.startsWith("<![CDATA[", pos)) {
        const end = source.indexOf("]]>", pos);
        if (end < 0) fail("unterminated CDATA");
        text += source.slice(pos + 9, end);
        pos = end + 3;
      } else children.push(element());
    }
  };

  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0 || !/^<\?xml\s+version="1\.[0-9]"(\s+encoding="[A-Za-z][A-Za-z0-9._-]*")?(\s+standalone="(yes|no)")?\s*$/.test(source.slice(0, end))) fail("bad XML declaration");
    pos = end + 2;
  }
  skipMisc();
  const root = element();
  skipMisc();
  if (pos !== source.length) fail("content after the root element");
  return root;
}

/** Every element named `name` in the tree, depth first. */
export function elementsNamed(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((child) => elementsNamed(child, name))];
}
