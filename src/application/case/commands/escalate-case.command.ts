import { Command } from '@nestjs/cqrs';
import type { EscalateCase } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class EscalateCaseCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: EscalateCase['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
