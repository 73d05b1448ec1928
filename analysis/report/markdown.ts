/** Markdown and Mermaid text helpers used by the security report. */

/** Escapes text for a GitHub-flavoured Markdown table cell (`|`, backslash, line breaks). */
export function tableCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Renders text as an inline code span, choosing a backtick fence longer than any run inside. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Renders a Markdown table. Cells are escaped with {@link tableCell} unless already escaped by the caller. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Escapes a Mermaid node/edge label for use inside double quotes. Mermaid decodes
 * `#name;` / `#123;` entity codes in labels, so `#`, `"` and characters that could be read as
 * HTML or Markdown are written as entity codes; line breaks become spaces.
 */
export function mermaidLabel(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/&/g, '#amp;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\|/g, '#124;');
}

/**
 * An injective, Mermaid-safe identifier fragment: ASCII letters and digits are kept, every
 * other UTF-16 code unit becomes `_` plus two hex digits (`_2d` for `-`) or, above 0xff,
 * `_u` plus four hex digits. Because `_` itself is encoded and always followed by a hex digit
 * or `u`, `__` never occurs in a fragment and can be used as a separator.
 */
export function mermaidIdFragment(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
    else {
      for (let i = 0; i < ch.length; i++) {
        const c = ch.charCodeAt(i);
        out += c <= 0xff ? `_${c.toString(16).padStart(2, '0')}` : `_u${c.toString(16).padStart(4, '0')}`;
      }
    }
  }
  return out;
}

/** A short, stable 32-bit FNV-1a hash of `text` as 8 hex digits (for identifiers, not security). */
export function stableHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
