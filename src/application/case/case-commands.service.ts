import { Injectable } from '@nestjs/common';
import type { Actor, CaseCommand } from '../../domain/case/case.commands.js';
import { caseStreamId } from '../../domain/case/case.decider.js';
import type { CaseEvent } from '../../domain/case/case.events.js';
import type { CaseState } from '../../domain/case/case.state.js';
import { CommandIds } from '../command-path/command-ids.js';
import { type CommandContext, CommandPath, type CommandResult } from '../command-path/command-path.js';
import { CaseAggregate } from './case.aggregate.js';

/** A case command's transport context, with the acting identity in the domain's terms. */
export interface CaseCommandContext extends CommandContext {
  actor: Actor;
}

export interface CaseCommandOutcome {
  caseId: string;
  result: CommandResult<CaseEvent, CaseState>;
}

type DataOf<Type extends CaseCommand['type']> = Extract<CaseCommand, { type: Type }>['data'];

/** Runs one case command through the generic command path. */
@Injectable()
export class CaseCommands {
  constructor(
    private readonly path: CommandPath,
    private readonly aggregate: CaseAggregate,
  ) {}

  async run<Type extends CaseCommand['type']>(
    caseId: string,
    type: Type,
    data: DataOf<Type>,
    context: CaseCommandContext,
    ids: CommandIds = new CommandIds(context.idempotencyScope),
  ): Promise<CaseCommandOutcome> {
    const result = await this.path.execute(
      this.aggregate,
      caseStreamId(caseId),
      context,
      ({ now, occurredAt }) =>
        ({
          type,
          data,
          metadata: { actor: context.actor, now, occurredAt, newId: ids.idFor('entity') },
        }) as Extract<CaseCommand, { type: Type }>,
      ids,
    );
    return { caseId, result };
  }
}
