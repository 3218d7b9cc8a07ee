import { Command } from '@nestjs/cqrs';
import type { ReopenCase } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class ReopenCaseCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: ReopenCase['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
