import { Query } from '@nestjs/cqrs';
import type { CaseView, CaseViewer } from '../../../domain/case/case-view.js';

export interface CaseReadModel {
  view: CaseView;
  revision: number;
}

export class GetCaseQuery extends Query<CaseReadModel> {
  constructor(
    readonly caseId: string,
    readonly viewer: CaseViewer,
  ) {
    super();
  }
}
