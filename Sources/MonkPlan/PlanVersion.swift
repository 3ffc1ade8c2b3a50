// MonkPlan: the YAML spec (Codable) and the typed plan it resolves into.
import Yams
