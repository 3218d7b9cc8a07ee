import { inflateSync } from 'node:zlib';

/**
 * Reads an associated file out of a dossier PDF, offline, without trusting its cross-reference
 * table: objects are found where they are written, the catalog from the trailer, the file through
 * the catalog's `/AF` array (PDF/A-3) and its file specification's `/EF /F` stream. Enough PDF for
 * the files this engine writes (pdfkit: classic trailer, direct stream lengths, Flate or no filter),
 * which is what `npm run verify -- --dossier` checks; anything else is refused with a reason.
 */

export class DossierFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DossierFileError';
  }
}

type PdfValue =
  | number
  | boolean
  | null
  | { name: string }
  | { text: string }
  | { ref: number }
  | PdfValue[]
  | PdfDictionary;
interface PdfDictionary {
  dictionary: Map<string, PdfValue>;
}

const isDictionary = (value: PdfValue | undefined): value is PdfDictionary =>
  typeof value === 'object' && value !== null && 'dictionary' in value;
const isRef = (value: PdfValue | undefined): value is { ref: number } =>
  typeof value === 'object' && value !== null && 'ref' in value;
const nameOf = (value: PdfValue | undefined): string | undefined =>
  typeof value === 'object' && value !== null && 'name' in value ? value.name : undefined;
const textOf = (value: PdfValue | undefined): string | undefined =>
  typeof value === 'object' && value !== null && 'text' in value ? value.text : undefined;

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([...'()<>[]{}/%'].map((character) => character.charCodeAt(0)));

/** A PDF string's bytes as text: UTF-16BE with its byte-order mark, else PDFDocEncoding's ASCII range. */
function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('latin1');
}

/** A small reader of PDF objects (ISO 32000 §7.3) from `offset`. */
class ObjectReader {
  constructor(
    private readonly pdf: Buffer,
    public offset: number,
  ) {}

  private skip(): void {
    for (;;) {
      while (this.offset < this.pdf.length && WHITESPACE.has(this.pdf[this.offset]!)) this.offset++;
      if (this.pdf[this.offset] !== 0x25) return; // %: a comment to the end of the line
      while (
        this.offset < this.pdf.length &&
        this.pdf[this.offset] !== 0x0a &&
        this.pdf[this.offset] !== 0x0d
      )
        this.offset++;
    }
  }

  private word(): string {
    const start = this.offset;
    while (
      this.offset < this.pdf.length &&
      !WHITESPACE.has(this.pdf[this.offset]!) &&
      !DELIMITERS.has(this.pdf[this.offset]!)
    )
      this.offset++;
    return this.pdf.toString('latin1', start, this.offset);
  }

  peekKeyword(keyword: string): boolean {
    this.skip();
    return this.pdf.toString('latin1', this.offset, this.offset + keyword.length) === keyword;
  }

  value(): PdfValue {
    this.skip();
    const byte = this.pdf[this.offset];
    if (byte === undefined) throw new DossierFileError('The PDF ends inside an object.');
    const character = String.fromCharCode(byte);
    if (character === '/') {
      this.offset++;
      return {
        name: this.word().replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) =>
          String.fromCharCode(parseInt(hex, 16)),
        ),
      };
    }
    if (character === '<' && this.pdf[this.offset + 1] === 0x3c) {
      this.offset += 2;
      const dictionary = new Map<string, PdfValue>();
      for (;;) {
        this.skip();
        if (this.pdf[this.offset] === 0x3e && this.pdf[this.offset + 1] === 0x3e) {
          this.offset += 2;
          return { dictionary };
        }
        const key = nameOf(this.value());
        if (key === undefined) throw new DossierFileError('A dictionary key is not a name.');
        dictionary.set(key, this.value());
      }
    }
    if (character === '<') {
      const end = this.pdf.indexOf(0x3e, this.offset);
      const hex = this.pdf.toString('latin1', this.offset + 1, end).replace(/\s+/g, '');
      this.offset = end + 1;
      return { text: decodeText(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex')) };
    }
    if (character === '(') return { text: decodeText(this.literal()) };
    if (character === '[') {
      this.offset++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skip();
        if (this.pdf[this.offset] === 0x5d) {
          this.offset++;
          return items;
        }
        items.push(this.value());
      }
    }
    const token = this.word();
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token))
      throw new DossierFileError(`Unexpected "${token.slice(0, 20)}" in the PDF.`);
    // `n g R` is a reference: look ahead for the generation and the R.
    const after = this.offset;
    if (/^\d+$/.test(token)) {
      this.skip();
      const generation = this.word();
      this.skip();
      if (/^\d+$/.test(generation) && this.pdf[this.offset] === 0x52) {
        this.offset++;
        return { ref: Number(token) };
      }
      this.offset = after;
    }
    return Number(token);
  }

  private literal(): Buffer {
    const bytes: number[] = [];
    let depth = 0;
    this.offset++;
    for (;;) {
      const byte = this.pdf[this.offset++];
      if (byte === undefined) throw new DossierFileError('The PDF ends inside a string.');
      if (byte === 0x5c) {
        const next = this.pdf[this.offset++]!;
        const escaped: Record<number, number> = {
          0x6e: 0x0a,
          0x72: 0x0d,
          0x74: 0x09,
          0x62: 0x08,
          0x66: 0x0c,
        };
        if (next >= 0x30 && next <= 0x37) {
          let octal = String.fromCharCode(next);
          while (octal.length < 3 && this.pdf[this.offset]! >= 0x30 && this.pdf[this.offset]! <= 0x37)
            octal += String.fromCharCode(this.pdf[this.offset++]!);
          bytes.push(parseInt(octal, 8) & 0xff);
        } else if (next === 0x0d || next === 0x0a) {
          if (next === 0x0d && this.pdf[this.offset] === 0x0a) this.offset++;
        } else {
          bytes.push(escaped[next] ?? next);
        }
        continue;
      }
      if (byte === 0x28) depth++;
      if (byte === 0x29) {
        if (depth === 0) return Buffer.from(bytes);
        depth--;
      }
      bytes.push(byte);
    }
  }
}

/** The PDF's indirect objects: where each `n g obj` line's object starts (the last one, as an update would). */
function objectOffsets(pdf: Buffer): Map<number, number> {
  const offsets = new Map<number, number>();
  for (const match of pdf.toString('latin1').matchAll(/(?<=[\r\n])(\d+)[ \t]+\d+[ \t]+obj\b/g)) {
    offsets.set(Number(match[1]), match.index + match[0].length);
  }
  return offsets;
}

class PdfFile {
  private readonly offsets: Map<number, number>;

  constructor(private readonly pdf: Buffer) {
    if (pdf.toString('latin1', 0, 5) !== '%PDF-')
      throw new DossierFileError('Not a PDF file (no %PDF- header).');
    this.offsets = objectOffsets(pdf);
  }

  private readerAt(ref: number): ObjectReader {
    const offset = this.offsets.get(ref);
    if (offset === undefined) throw new DossierFileError(`The PDF has no object ${ref}.`);
    return new ObjectReader(this.pdf, offset);
  }

  resolve(value: PdfValue | undefined): PdfValue | undefined {
    return isRef(value) ? this.readerAt(value.ref).value() : value;
  }

  dictionary(value: PdfValue | undefined, what: string): Map<string, PdfValue> {
    const resolved = this.resolve(value);
    if (!isDictionary(resolved)) throw new DossierFileError(`The PDF's ${what} is not a dictionary.`);
    return resolved.dictionary;
  }

  /** The document catalog, named by the last trailer. */
  catalog(): Map<string, PdfValue> {
    const at = this.pdf.lastIndexOf('trailer');
    if (at < 0)
      throw new DossierFileError('The PDF has no trailer (a cross-reference stream is not read here).');
    const trailer = new ObjectReader(this.pdf, at + 'trailer'.length).value();
    if (!isDictionary(trailer)) throw new DossierFileError("The PDF's trailer is not a dictionary.");
    return this.dictionary(trailer.dictionary.get('Root'), 'catalog');
  }

  /** A stream object's decoded bytes. */
  stream(ref: PdfValue | undefined, what: string): Buffer {
    if (!isRef(ref)) throw new DossierFileError(`The ${what} is not a stream object.`);
    const reader = this.readerAt(ref.ref);
    const header = reader.value();
    if (!isDictionary(header) || !reader.peekKeyword('stream'))
      throw new DossierFileError(`The ${what} is not a stream object.`);
    let start = reader.offset + 'stream'.length;
    if (this.pdf[start] === 0x0d) start++;
    if (this.pdf[start] === 0x0a) start++;
    const length = this.resolve(header.dictionary.get('Length'));
    if (typeof length !== 'number' || length < 0 || start + length > this.pdf.length)
      throw new DossierFileError(`The ${what}'s length is missing or runs past the end of the file.`);
    const raw = this.pdf.subarray(start, start + length);
    const filter = nameOf(this.resolve(header.dictionary.get('Filter')));
    if (filter === undefined) return Buffer.from(raw);
    if (filter !== 'FlateDecode')
      throw new DossierFileError(`The ${what} is encoded with ${filter}, not read here.`);
    try {
      return inflateSync(raw);
    } catch (error) {
      throw new DossierFileError(`The ${what} cannot be decompressed: ${(error as Error).message}.`);
    }
  }
}

export interface AssociatedFile {
  name: string;
  /** The PDF/A-3 AFRelationship (Data, Source, …). */
  relationship?: string;
  mediaType?: string;
  content: Buffer;
}

/** The associated file named `name` (catalog `/AF`), decoded; a DossierFileError says why there is none. */
export function associatedFile(pdf: Buffer, name: string): AssociatedFile {
  const file = new PdfFile(pdf);
  const catalog = file.catalog();
  const files = file.resolve(catalog.get('AF'));
  if (!Array.isArray(files) || files.length === 0)
    throw new DossierFileError(
      'The PDF has no associated files (no /AF in its catalog): it is not a dossier.',
    );
  const names: string[] = [];
  for (const entry of files) {
    const spec = file.dictionary(entry, 'file specification');
    const fileName = textOf(file.resolve(spec.get('UF'))) ?? textOf(file.resolve(spec.get('F'))) ?? '';
    names.push(fileName);
    if (fileName !== name) continue;
    const embedded = file.dictionary(spec.get('EF'), 'embedded file entry');
    const streamRef = embedded.get('F') ?? embedded.get('UF');
    const content = file.stream(streamRef, `embedded file ${name}`);
    const header = isRef(streamRef) ? file.resolve(streamRef) : undefined;
    const mediaType = isDictionary(header) ? nameOf(header.dictionary.get('Subtype')) : undefined;
    const relationship = nameOf(file.resolve(spec.get('AFRelationship')));
    return {
      name,
      ...(relationship === undefined ? {} : { relationship }),
      ...(mediaType === undefined ? {} : { mediaType }),
      content,
    };
  }
  throw new DossierFileError(
    `The PDF has no associated file ${name} (it has: ${names.join(', ') || 'none'}).`,
  );
}
