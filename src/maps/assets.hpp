// The report page's own script and style, compiled in so that a report always
// matches the program that wrote it.
#pragma once

namespace ruralnet::maps::assets {

extern const char* const kReportJs;
extern const char* const kReportCss;

}  // namespace ruralnet::maps::assets
