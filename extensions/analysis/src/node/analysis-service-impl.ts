import { injectable } from '@theia/core/shared/inversify';
import { AnalysisService, METRIC_DEFINITIONS, MetricDefinition } from '../common/analysis-protocol';

@injectable()
export class AnalysisServiceImpl implements AnalysisService {
    async listMetricDefinitions(): Promise<readonly MetricDefinition[]> {
        return METRIC_DEFINITIONS;
    }
}
