import { OneOfParameter, WholeNumberParameter } from '../validation/query.validators.js';

/** The dossier's two forms: the PDF/A-3b document, or its evidence bundle alone. */
export const DOSSIER_FORMATS = ['pdf', 'json'] as const;
export type DossierFormat = (typeof DOSSIER_FORMATS)[number];

/** `?revision=` (the case as at that revision), `?treeSize=` (the checkpoint) and `?format=json` (the bundle alone). */
export class DossierQueryDto {
  @WholeNumberParameter({ description: 'The case as at this revision (inclusive); default: the latest' })
  revision?: number;

  @OneOfParameter(DOSSIER_FORMATS, {
    description: '`pdf` (default): the PDF/A-3b dossier; `json`: its machine-readable evidence bundle alone',
  })
  format?: DossierFormat;

  @WholeNumberParameter({
    description:
      'The signed checkpoint of this tree size (GET /api/v1/integrity/checkpoints/{treeSize}); default: the latest',
  })
  treeSize?: number;
}
