import {
  AssignmentBodyDto,
  FindingDto,
  FindingsProperty,
  TextProperty,
} from '../../../infrastructure/http/case/dto/common.dto.js';

export class SubmitAdjudicationDto extends AssignmentBodyDto {
  @TextProperty({
    max: 64,
    optional: true,
    example: 'prior-report',
    description:
      'A primary opinion id of the current round, or "prior-report"; leave out to record your own findings',
  })
  selectedOpinionId?: string;

  @FindingsProperty("The adjudicator's own findings (instead of a selection)", false)
  findings?: FindingDto[];

  @TextProperty({ example: 'Fracture line visible on the oblique view; reader B is correct.' })
  rationale!: string;
}
