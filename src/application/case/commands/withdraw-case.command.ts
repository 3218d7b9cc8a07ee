import { Command } from '@nestjs/cqrs';
import type { WithdrawCase } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class WithdrawCaseCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: WithdrawCase['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
