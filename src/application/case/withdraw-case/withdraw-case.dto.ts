import { ReasonDto } from '../../../infrastructure/http/case/dto/common.dto.js';

/** Why the case is withdrawn (recorded in CaseWithdrawn). */
export class WithdrawCaseDto extends ReasonDto {}
