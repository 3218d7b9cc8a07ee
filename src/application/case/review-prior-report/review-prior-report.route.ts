import { type CaseCommandRoute, caseAfter } from '../case-command.js';
import type { ReviewPriorReport } from './review-prior-report.decide.js';
import { PriorReportReviewedDto, ReviewPriorReportDto } from './review-prior-report.dto.js';

export const reviewPriorReportRoute: CaseCommandRoute<ReviewPriorReport['data'], ReviewPriorReportDto> = {
  path: ':caseId/prior-report-reviews',
  action: 'review-prior-report',
  summary: 'Score the prior report after your own opinion (ReviewPriorReport, sequential unblinding)',
  body: ReviewPriorReportDto,
  answer: {
    dto: PriorReportReviewedDto,
    respond: (result) => {
      const state = caseAfter(result);
      return {
        body: { revision: result.revision, status: state.status, priorReport: state.request.priorReport },
      };
    },
  },
};
