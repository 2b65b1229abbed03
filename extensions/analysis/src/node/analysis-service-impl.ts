import { injectable } from '@theia/core/shared/inversify';
import { AnalysisService } from '../common/analysis-protocol';
import { STATISTIC_DEFINITIONS, StatisticDefinition } from '../common/statistics/statistic-definitions';

@injectable()
export class AnalysisServiceImpl implements AnalysisService {
    async listStatisticDefinitions(): Promise<readonly StatisticDefinition[]> {
        return STATISTIC_DEFINITIONS;
    }
}
