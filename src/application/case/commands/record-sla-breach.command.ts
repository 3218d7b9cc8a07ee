import { Command } from '@nestjs/cqrs';
import type { RecordSlaBreach } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class RecordSlaBreachCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: RecordSlaBreach['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
