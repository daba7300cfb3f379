/** ScenarioMeta: what identifies one scenario of a run, in every report. */
export interface ScenarioMeta {
  /** "features/lab/x.feature:9" */
  id: string;
  name: string;
  feature: string;
  line: number;
  tags: string[];
}
